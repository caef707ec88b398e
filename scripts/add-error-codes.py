#!/usr/bin/env python3
"""Adds error codes to ErrorCodes.cs, both resource files and docs/errors.md in one go.

Input (stdin or a file): one code per line, tab-separated: ConstantName, PF-XXX-000, German text, English text.
The test ErrorCatalogTests checks that the three places agree.
"""
import html
import sys

ROOT = __file__.rsplit('/scripts/', 1)[0]
rows = [l.rstrip('\n').split('\t') for l in (open(sys.argv[1], encoding='utf-8') if len(sys.argv) > 1 else sys.stdin) if l.strip()]
for r in rows:
    assert len(r) == 4, r

p = f'{ROOT}/src/Pforte.Core/Common/ErrorCodes.cs'
s = open(p, encoding='utf-8').read().rstrip().rstrip('}')
for name, code, _, _ in rows:
    assert f'"{code}"' not in s, f'{code} exists'
    s += f'    public const string {name} = "{code}";\n'
open(p, 'w', encoding='utf-8').write(s + '}\n')

for idx, suffix in ((2, ''), (3, '.en')):
    p = f'{ROOT}/src/Pforte.Core/Resources/ErrorTexts{suffix}.resx'
    s = open(p, encoding='utf-8').read().replace('</root>\n', '')
    s += ''.join(f'  <data name="{r[1]}" xml:space="preserve"><value>{html.escape(r[idx], quote=False)}</value></data>\n' for r in rows)
    open(p, 'w', encoding='utf-8').write(s + '</root>\n')

p = f'{ROOT}/docs/errors.md'
s = open(p, encoding='utf-8').read()
s += ''.join(f'| `{r[1]}` | {r[3]} | {r[2]} |\n' for r in rows)
open(p, 'w', encoding='utf-8').write(s)
print(f'added {len(rows)} codes')
