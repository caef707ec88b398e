using QRCoder;

namespace Pforte.Portal.Accounts;

/// <summary>The authenticator app's QR code as a PNG of this host (the CSP allows no data: images), portal and workspace.</summary>
public static class QrCodes
{
    public static byte[] Png(string text)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(6);
    }
}
