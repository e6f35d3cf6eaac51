#!/usr/bin/env bash
# tests/cli/docx.sh LCMON SRCDIR - `lcmon report --docx`: the Word document opens with
# python-docx (python3-docx; scripts/setup --browser installs it) and shows what the HTML
# report and its JSON model (--model) show: the same section headings and subheads, the
# same paragraphs and list items, every table with the same headings and every cell with the
# same text (numbers checked against the model's values: decimals, thousands separators,
# intervals, units, suppressed "*" and missing "–"), and the same charts (each image is the
# chart's PNG file byte for byte, its SVG beside it). City report (also with every survey
# cell suppressed, and in English) and national report of a small demo. Without python-docx the test
# says so and passes; LCM_BROWSER_REQUIRED=1 makes that a failure.
set -euo pipefail
lcmon=$(realpath "$1")
need=${LCM_BROWSER_REQUIRED:-0}

py=
for p in python3 /usr/bin/python3; do
  if command -v "$p" > /dev/null && "$p" -c 'import docx' 2> /dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
  echo "docx: skipped: no python3-docx (scripts/setup --browser installs it)"
  [ "$need" = 1 ] && exit 1
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$lcmon" demo --out "$tmp/demo" --cities 6 --households 100 --mc 100 > /dev/null

check() { # DIR STEM: compare DIR/STEM.docx with DIR/STEM.html and DIR/model.json
  "$py" - "$1" "$2" << 'EOF'
import html.parser, json, os, re, sys, zipfile
import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.oxml.ns import qn

d, stem = sys.argv[1], sys.argv[2]
doc = docx.Document(os.path.join(d, stem + ".docx"))
model = json.load(open(os.path.join(d, "model.json"), encoding="utf-8"))
fails = []
def same(what, got, want):
    if got != want:
        fails.append("%s: docx %r, expected %r" % (what, got, want))

# the document's blocks in order: paragraphs (style, text) and tables
body = []
for el in doc.element.body.iterchildren():
    if el.tag == qn("w:p"):
        p = Paragraph(el, doc)
        body.append(("p", p.style.name, "".join(t.text or "" for t in el.iter(qn("w:t")))))
    elif el.tag == qn("w:tbl"):
        body.append(("t", Table(el, doc)))
paras = [b for b in body if b[0] == "p"]
tables = [b[1] for b in body if b[0] == "t"]

def fmt(v, dec):
    s = "%.*f" % (dec, v)
    sign, s = ("-", s[1:]) if s.startswith("-") else ("", s)
    i, _, f = s.partition(".")
    if abs(v) >= 10000 and len(i) >= 5:
        i = "{:,}".format(int(i))
    return sign + i + ("." + f if f else "")

def cell_text(c):
    if "text" in c:
        return c["text"]
    if c.get("suppressed"):
        return "*"
    if c.get("value") is None:
        return "\u2013"
    dec = c.get("decimals", 0)
    s = fmt(c["value"], dec)
    if c["kind"] == "estimate":
        lo, hi = c.get("lo"), c.get("hi")
        s += " (%s\u2013%s)" % (fmt(lo, dec), fmt(hi, dec)) if lo is not None and hi is not None else " (\u2014)"
    if c.get("unit"):
        s += " " + c["unit"]
    return s

# the model, block by block
want_h1, want_h2, want_para, want_list, want_tables, want_charts = [], [], [], [], [], []
for s in model["sections"]:
    want_h1.append(s["heading"])
    for b in s["blocks"]:
        {"subhead": want_h2, "para": want_para, "list": want_list, "table": want_tables,
         "chart": want_charts}[b["type"]].append(b)
same("title", [p[2] for p in paras if p[1] == "Title"], [model["title"]])
same("section headings", [p[2] for p in paras if p[1] == "Heading 1"], want_h1)
same("subheads", [p[2] for p in paras if p[1] == "Heading 2"], [b["text"] for b in want_h2])
same("paragraphs", [p[2] for p in paras if p[1] == "Normal"], [b["text"] for b in want_para])
same("list items", [p[2] for p in paras if p[1] == "List Bullet"],
     [i for b in want_list for i in b["items"]])
same("table count", len(tables), len(want_tables))
cells = 0
for k, (t, m) in enumerate(zip(tables, want_tables)):
    rows = [[c.text for c in r.cells] for r in t.rows]
    same("table %d head" % (k + 1), rows[0], m["head"])
    same("table %d rows" % (k + 1), len(rows) - 1, len(m["rows"]))
    for i, (got, want) in enumerate(zip(rows[1:], m["rows"])):
        for j, (g, w) in enumerate(zip(got, want)):
            same("table %d row %d col %d" % (k + 1, i + 1, j + 1), g, cell_text(w))
            cells += 1
    hdr = t.rows[0]._tr.find(qn("w:trPr"))
    same("table %d header repeats" % (k + 1), hdr is not None and hdr.find(qn("w:tblHeader")) is not None, True)
# captions: "表 N caption" and "图 N caption", numbered in order
caps = [p[2] for p in paras if p[1] == "Caption"]
tab, fig = ("Table", "Figure") if model["lang"] == "en" else ("表", "图")
same("table captions", [c for c in caps if c.startswith(tab + " ")],
     ["%s %d %s" % (tab, i + 1, t.get("caption", "")) for i, t in enumerate(want_tables)])
same("figure captions", [c for c in caps if c.startswith(fig + " ")],
     ["%s %d %s" % (fig, i + 1, c.get("caption", "")) for i, c in enumerate(want_charts)])
# charts: one image each, the chart's own PNG, its SVG beside it in the package
same("images", len(doc.inline_shapes), len(want_charts))
for i, (shape, c) in enumerate(zip(doc.inline_shapes, want_charts)):
    rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    blob = doc.part.related_parts[rid].blob
    same("chart %d PNG" % (i + 1), blob == open(os.path.join(d, c["file"]), "rb").read(), True)
z = zipfile.ZipFile(os.path.join(d, stem + ".docx"))
# every XML part well-formed, every overridden part present, content types first
import xml.dom.minidom
for n in z.namelist():
    if n.endswith((".xml", ".rels")):
        try:
            xml.dom.minidom.parseString(z.read(n))
        except Exception as e:
            fails.append("%s is not well-formed XML: %s" % (n, e))
same("first member", z.namelist()[0], "[Content_Types].xml")
types = z.read("[Content_Types].xml").decode()
for part in re.findall(r'PartName="/([^"]+)"', types):
    same("part %s present" % part, part in z.namelist(), True)
svgs = sorted(n for n in z.namelist() if n.endswith(".svg"))
same("SVG charts", len(svgs), sum(os.path.exists(os.path.join(d, c["file"][:-4] + ".svg")) for c in want_charts))
# A4, page numbers in the footer
sec = doc.sections[0]
same("page size (twips)", (sec.page_width.twips, sec.page_height.twips), (11906, 16838))
ftr = "".join(sec.footer._element.xml.split())
same("footer page numbers", "PAGE" in ftr and "NUMPAGES" in ftr, True)

# the HTML: headings and every table cell's visible text (whitespace aside)
class H(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.h2 = []; s.h3 = []; s.tables = []; s.buf = None
        s.pad = 0; s.imgs = 0; s.nav = 0
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "nav": s.nav += 1
        if tag == "img": s.imgs += 1
        if tag == "table": s.tables.append([])
        if tag == "tr": s.tables[-1].append([])
        if tag in ("h2", "h3", "td", "th"): s.buf = []
        if tag == "span" and s.pad: s.pad += 1
        elif tag == "span" and a.get("class") == "pad": s.pad = 1
    def handle_endtag(s, tag):
        if tag == "nav": s.nav -= 1
        if tag == "span" and s.pad: s.pad -= 1
        if tag in ("h2", "h3") and not s.nav:
            (s.h2 if tag == "h2" else s.h3).append("".join(s.buf))
        if tag in ("td", "th"):
            s.tables[-1][-1].append("".join(s.buf))
        if tag in ("h2", "h3", "td", "th"): s.buf = None
    def handle_data(s, data):
        if s.buf is not None and not s.pad: s.buf.append(data)
h = H()
h.feed(open(os.path.join(d, stem + ".html"), encoding="utf-8").read())
ws = lambda x: re.sub(r"\s+", "", x)
same("HTML section headings", [p[2] for p in paras if p[1] == "Heading 1"], h.h2)
same("HTML subheads", [p[2] for p in paras if p[1] == "Heading 2"], h.h3)
same("HTML images", len(doc.inline_shapes), h.imgs)
same("HTML tables", len(tables), len(h.tables))
for k, (t, ht) in enumerate(zip(tables, h.tables)):
    same("HTML table %d" % (k + 1), [[ws(c.text) for c in r.cells] for r in t.rows],
         [[ws(c) for c in r] for r in ht])
if fails:
    print("\n".join(fails[:30]), file=sys.stderr)
    sys.exit(1)
print("docx: %s: %d headings, %d tables, %d cells, %d charts as in the HTML and the model"
      % (stem, len(want_h1) + len(want_h2), len(tables), cells, len(want_charts)))
EOF
}

db=$tmp/demo/demo.db
"$lcmon" report "$db" --city 4405 --year 2025 --out "$tmp/city" --docx --model "$tmp/city/model.json" > "$tmp/out"
grep -qx "$tmp/city/city_4405_2025.docx" "$tmp/out"
check "$tmp/city" city_4405_2025
# every survey cell suppressed: "*" in the document, no value of theirs anywhere in it
"$lcmon" report "$db" --city 4405 --year 2025 --out "$tmp/supp" --docx --min-n 100000 \
  --no-svg --model "$tmp/supp/model.json" > /dev/null
check "$tmp/supp" city_4405_2025
grep -q '"suppressed":true' "$tmp/supp/model.json"
# in English: the same checks, the report's own words in English
"$lcmon" report "$db" --city 4405 --year 2025 --out "$tmp/en" --docx --lang en \
  --model "$tmp/en/model.json" > /dev/null
check "$tmp/en" city_4405_2025
"$lcmon" report "$db" --national --year 2025 --out "$tmp/nat" --docx --model "$tmp/nat/model.json" > /dev/null
check "$tmp/nat" national_2025
echo "docx: ok"
