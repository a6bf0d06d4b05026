"""Reads an XLSX the way an office's tool would (openpyxl) and prints, per
sheet, its name and its data rows (below the header on row 4) as JSON.
Exit 3 when openpyxl is missing, so the test can skip or fail as asked."""
import json
import sys

try:
    import openpyxl
except ImportError:
    print("openpyxl is not installed (pip install openpyxl)")
    sys.exit(3)

wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {}
for ws in wb.worksheets:
    rows = [
        ["" if v is None else str(v) for v in row]
        for row in ws.iter_rows(min_row=5, values_only=True)
        if any(v is not None for v in row)
    ]
    out[ws.title] = rows
print(json.dumps(out, ensure_ascii=False))
