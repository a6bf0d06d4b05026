#!/usr/bin/env python3
"""A mutation fuzzer for what a stranger can hand dondoc (issue 21).

Usage:
    fuzz.py --binary PATH --minutes N --seed S --out DIR [--timeout 5]

Python 3 and its standard library only (there is no nightly toolchain for
cargo-fuzz here). It takes seed inputs, mutates them (bit flips, insertions
of interesting strings — huge numbers, dates like 31/12/9999 and 00/00/0000,
Unicode, NUL, very long lines, =HYPERLINK — truncations, duplicated and
dropped lines) and runs the real binary on each, in turn over four targets:

  config  a config directory (dondoc.toml, agencies.toml, a plan, holidays.toml
          from config/ and config/examples/*/), `dondoc --config DIR check`;
          when the mutant passes, `calendar` and `preview` run on it too
  csv     `dondoc --config DIR import FILE.csv` (import has no dry run: every
          run gets a fresh copy of the config and its database)
  xlsx    `dondoc --config DIR import FILE.xlsx`: bytes of the zip mutated, or
          the XML of one of its members
  email   `dondoc --config DIR inbox read [--auto] FILE.eml`: replies to
          reminders the config's ledger really sent, a bounce, attachments,
          RFC 2047 subjects, megabytes of text, deep multiparts, messages
          50 000 deep inside messages, 40 000 References, 5 000 files,
          broken headers

A run counts as a panic (exit code 101, "panicked at" in stderr, or killed by
a signal) or as slow (still running after --timeout seconds, then killed).
Each such input is saved under --out/TARGET/ with its stderr and command line
(at most 3 inputs per distinct panic location). At the end it prints one line
per target — runs, panics, runs over the timeout, the longest run in seconds —
a total line, and the distinct panic locations. Exit code 1 if any run
panicked or was slow, else 0.
"""

import argparse
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE_CAP = 8 << 20  # no mutant grows past 8 MB

INTERESTING = [
    "31/12/9999", "00/00/0000", "29/02/2100", "31/12/2100", "01/01/2101", "01/01/1999",
    "31/12/1999", "9999-12-31", "0000-01-01", "2025-02-29", "32/13/2025", "1/1/1",
    "31/12/9999 23:59", "2100-12-31T23:59:59-12:00", "24:60", "99:99",
    "0", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
    "99999999999999999999999999", "1e308", "-1e308", "NaN", "inf", "0x7fffffff",
    "\x00", "\x1b[2J", "\r", "\n", "\r\n", "\t", "\ufeff", "\u202e", "\u200b",
    "a\u0301" * 500, "🙂" * 300, "Ồ" * 2000, "ắ" * 40000,
    "=HYPERLINK(\"http://x\",\"y\")", "'=1+1", "+1", "-2+3", "@SUM(A1)",
    "\"", "'", "''", "\"\"\"", ",", ";", "[[", "]]", "{", "}", "=", "#", "\\",
    "{{ x }}", "{% for x in y %}", "%s%n%x", "${HOME}", "@so-nganh", "@@@@",
    "10 000 000 working days", "1 month", "100000 years", "0 weeks",
    "=?UTF-8?B?", "=?utf-8?q?=C3=?=", "boundary=\"x\"", "--x--",
]


def long_line(rng):
    return rng.choice("Aắ1,;=\"") * rng.choice([1000, 65536, 1 << 20])


class Mutator:
    """Stacked random edits of a byte string."""

    def __init__(self, rng):
        self.rng = rng

    def interesting(self):
        if self.rng.random() < 0.1:
            return long_line(self.rng)
        return self.rng.choice(INTERESTING)

    def mutate(self, data: bytes) -> bytes:
        for _ in range(self.rng.choice([1, 1, 2, 3, 4])):
            op = self.rng.choice([
                self.flip, self.insert, self.insert_at_value, self.replace_token,
                self.truncate, self.duplicate_lines, self.drop_line, self.swap_lines,
            ])
            data = op(data)
            if len(data) > SIZE_CAP:
                data = data[:SIZE_CAP]
        return data

    def flip(self, data):
        if not data:
            return data
        b = bytearray(data)
        for _ in range(self.rng.choice([1, 1, 2, 8])):
            i = self.rng.randrange(len(b))
            b[i] ^= 1 << self.rng.randrange(8)
        return bytes(b)

    def insert(self, data):
        i = self.rng.randrange(len(data) + 1)
        return data[:i] + self.interesting().encode("utf-8", "surrogatepass") + data[i:]

    def insert_at_value(self, data):
        """After a separator (`= `, `,`, `;`, `:`), where values start."""
        spots = [m.end() for m in re.finditer(rb'= "?|,|;|: ', data)]
        if not spots:
            return self.insert(data)
        i = self.rng.choice(spots)
        return data[:i] + self.interesting().encode() + data[i:]

    def replace_token(self, data):
        """A number or a date replaced by an interesting value."""
        tokens = list(re.finditer(rb"\d+(?:[/-]\d+){0,2}", data))
        if not tokens:
            return self.insert(data)
        m = self.rng.choice(tokens)
        return data[: m.start()] + self.interesting().encode() + data[m.end():]

    def truncate(self, data):
        return data[: self.rng.randrange(len(data) + 1)]

    def duplicate_lines(self, data):
        lines = data.split(b"\n")
        i = self.rng.randrange(len(lines))
        n = self.rng.randint(1, 12)
        block = lines[i: i + n]
        times = self.rng.choice([2, 10, 100, 1000, 10000])
        size = sum(len(x) + 1 for x in block) or 1
        times = max(1, min(times, SIZE_CAP // size))
        return b"\n".join(lines[: i + n] + block * times + lines[i + n:])

    def drop_line(self, data):
        lines = data.split(b"\n")
        del lines[self.rng.randrange(len(lines))]
        return b"\n".join(lines)

    def swap_lines(self, data):
        lines = data.split(b"\n")
        i, j = self.rng.randrange(len(lines)), self.rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)


class Target:
    """Counts of one target's runs."""

    def __init__(self, name):
        self.name = name
        self.runs = self.panics = self.slow = 0
        self.max_seconds = 0.0


class Fuzzer:
    def __init__(self, args):
        self.binary = str(Path(args.binary).resolve())
        self.timeout = args.timeout
        self.rng = random.Random(args.seed)
        self.mut = Mutator(self.rng)
        self.out = Path(args.out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix="dondoc-fuzz-"))
        self.targets = {n: Target(n) for n in ["config", "csv", "xlsx", "email"]}
        self.signatures = {}  # panic location -> count
        self.saved = 0

    # -- running -------------------------------------------------------------

    def run(self, target, args, keep):
        """Runs the binary; counts and saves what went wrong. `keep`: the
        paths (files or directories) that make up the input. Returns the exit
        code (None when killed for time)."""
        cmd = [self.binary, "--lang", "en"] + args
        env = dict(os.environ, RUST_BACKTRACE="0", USER="fuzz")
        env.pop("DONDOC_CONFIG", None)
        start = time.monotonic()
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=self.timeout, env=env,
                               cwd=self.work)
            code, stderr = p.returncode, p.stderr
        except subprocess.TimeoutExpired as e:
            code, stderr = None, e.stderr or b""
        seconds = time.monotonic() - start
        t = self.targets[target]
        t.runs += 1
        t.max_seconds = max(t.max_seconds, seconds)
        text = stderr.decode("utf-8", "replace")
        if code is None:
            t.slow += 1
            self.save(target, "slow", cmd, text + f"\n(killed after {seconds:.1f} s)", keep)
        elif code == 101 or code < 0 or "panicked at" in text:
            t.panics += 1
            m = re.search(r"panicked at ([^\n]+?:\d+:\d+)", text)
            sig = m.group(1) if m else f"exit {code}"
            self.signatures[sig] = self.signatures.get(sig, 0) + 1
            if self.signatures[sig] <= 3:
                self.save(target, "panic", cmd, text, keep)
        return code

    def save(self, target, kind, cmd, stderr, keep):
        self.saved += 1
        dest = self.out / target / f"{kind}-{self.saved:04d}"
        dest.mkdir(parents=True, exist_ok=True)
        for path in keep:
            path = Path(path)
            if path.is_dir():
                shutil.copytree(path, dest / path.name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("state"))
            elif path.exists():
                shutil.copy2(path, dest / path.name)
        (dest / "stderr.txt").write_text(stderr[-20000:])
        (dest / "command.txt").write_text(" ".join(cmd) + "\n")

    def fresh(self, template):
        """A throwaway copy of a config directory (its database included)."""
        d = Path(tempfile.mkdtemp(dir=self.work))
        shutil.copytree(template, d / "cfg")
        return d, d / "cfg"

    # -- seeds ---------------------------------------------------------------

    def templates(self):
        """Every shipped config and the tests' base fixture, with the
        database and outbox inside the copy."""
        sources = [ROOT / "config"] + sorted((ROOT / "config/examples").iterdir())
        sources.append(ROOT / "tests/fixtures/base")
        out = []
        for i, src in enumerate(sources):
            dest = self.work / f"template-{i}"
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns("examples", "schema"))
            main = dest / "dondoc.toml"
            text = main.read_text()
            text = re.sub(r'(?m)^database = .*$', 'database = "state/dondoc.db"', text)
            text = re.sub(r'(?m)^outbox = .*$', 'outbox = "state/outbox"', text)
            if "database =" not in text:
                text = 'database = "state/dondoc.db"\n' + text
            main.write_text(text)
            out.append(dest)
        return out

    def prepare(self):
        self.configs = self.templates()
        self.base = self.configs[-1]
        self.khanh_hoa = self.configs[0]
        # Reminders really sent, so that replies and bounces can name them.
        for at in ["24/04/2025 08:00", "10/06/2025 08:00", "20/06/2025 08:00",
                   "02/07/2025 08:00"]:
            subprocess.run([self.binary, "--config", str(self.khanh_hoa), "tick", "--at", at],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        self.csv_seeds = self.make_csv_seeds()
        self.xlsx_seeds = self.make_xlsx_seeds()
        self.email_seeds = self.make_email_seeds()

    def import_rows(self):
        """(config, rows of import's 7 columns) that import would record."""
        base = [
            ["p", "bao-cao", "29/04/2025", "so-y-te", "02/05/2025 10:00", "15/BC-SYT", "Đã gửi"],
            ["p", "bao-cao", "29/04/2025", "cong-an-tinh", "28/04/2025", "", ""],
        ]
        out = subprocess.run(
            [self.binary, "--config", str(self.khanh_hoa), "status", "--at", "01/07/2025",
             "--format", "csv"], capture_output=True, check=True).stdout.decode()
        kh = []
        for line in out.splitlines()[1:40]:
            c = line.split(",")
            kh.append([c[0], c[1], c[2], c[4], c[3], f"{len(kh)}/BC", "ghi chú, có dấu phẩy"])
        return [(self.base, base), (self.khanh_hoa, kh)]

    def make_csv_seeds(self):
        seeds = []
        en = ["plan", "obligation", "period", "agency", "submitted_on", "ref", "note"]
        vi = ["kế hoạch", "nội dung", "kỳ", "đơn vị", "ngày nộp", "số ký hiệu", "ghi chú"]
        for cfg, rows in self.import_rows():
            for header, sep, eol, bom in [(en, ",", "\r\n", "\ufeff"), (vi, ";", "\n", ""),
                                          (en, "\t", "\n", "")]:
                def quote(v):
                    return f'"{v}"' if sep in v or '"' in v else v
                text = bom + sep.join(header) + eol
                text += "".join(sep.join(quote(v) for v in r) + eol for r in rows)
                seeds.append((cfg, text.encode()))
            text = "TỔNG HỢP\nTT," + ",".join(vi) + "\n"
            text += "".join(f"{i + 1}," + ",".join(r) + "\n" for i, r in enumerate(rows))
            seeds.append((cfg, text.encode("utf-16")))  # with a BOM
            seeds.append((cfg, text.encode("cp1258", "replace")))
        return seeds

    def make_xlsx_seeds(self):
        seeds = []
        vi = ["kế hoạch", "nội dung", "kỳ", "đơn vị", "ngày nộp", "số ký hiệu", "ghi chú"]
        for cfg, rows in self.import_rows():
            seeds.append((cfg, minimal_xlsx([vi] + rows)))
        for args in [["status", "--at", "01/07/2025"], ["report", "--year", "2025"]]:
            path = self.work / f"seed-{args[0]}.xlsx"
            subprocess.run([self.binary, "--config", str(self.khanh_hoa)] + args
                           + ["--format", "xlsx", "--output", str(path)],
                           stdout=subprocess.DEVNULL, check=True)
            seeds.append((self.khanh_hoa, path.read_bytes()))
        return seeds

    def make_email_seeds(self):
        outbox = sorted((self.khanh_hoa / "state/outbox").glob("*.eml"))
        reminders = []
        for path in outbox:
            head = path.read_text(errors="replace").split("\n\n", 1)[0]
            mid = re.search(r"(?mi)^Message-ID: *(<[^>]+>)", head)
            to = re.search(r"(?mi)^To:.*?<([^>]+)>", head)
            if mid and to:
                reminders.append((mid.group(1), to.group(1)))
        assert reminders, "tick sent no reminder to reply to"
        mid, addr = reminders[0]
        mid2, _ = reminders[-1]
        seeds = [reply(mid, addr, "Re: V/v nhắc thời hạn", "Số: 125/BC-SYT\nĐã gửi báo cáo.")]
        seeds.append(reply(mid2, addr, "=?UTF-8?B?UmU6IFYvdiBuaOG6r2MgdGjhu51pIGjhuqFu?= "
                           "=?utf-8?q?S=E1=BB=91_12/BC?= =?iso-8859-1?q?caf=E9?=",
                           "Báo cáo kèm theo.", attachments=3))
        seeds.append(bounce(mid, addr))
        seeds.append(reply("<khong-phai-cua-ta@x>", addr,
                           "Báo cáo theo Kế hoạch số 3212/KH-UBND",
                           "Gửi báo cáo 6 tháng đầu năm 2025 theo Kế hoạch số 3212/KH-UBND."))
        seeds.append(reply(mid, addr, "Re: " + "dài " * 10000,
                           ("Số: 7/BC. Nội dung báo cáo rất dài. " * 90000)[: 3 << 20]))
        seeds.append(nested(mid, addr, depth=300))
        seeds.append(nested_messages(mid, addr, depth=50000))
        seeds.append(reply(mid, addr, "Re: nhiều tham chiếu", "Số: 8/BC",
                           references=[f"<r{n}@x>" for n in range(40000)]))
        seeds.append(reply(mid2, addr, "Re: nhiều tệp", "Số: 10/BC", attachments=5000))
        seeds.append(b"From: <" + addr.encode() + b">\r\nSubject: no colon here\r\n"
                     b"Broken header line without colon\r\nIn-Reply-To: " + mid.encode()
                     + b"\r\nDate: 31 Feb 9999 99:99 +9999\r\n\tfolded\r\n" + b"X: " +
                     b"y" * 100000 + b"\r\n\r\nbody\x00with NUL\r\n")
        return seeds

    # -- targets -------------------------------------------------------------

    def fuzz_config(self):
        template = self.rng.choice(self.configs)
        d, cfg = self.fresh(template)
        files = [cfg / "dondoc.toml", cfg / "agencies.toml", cfg / "holidays.toml"]
        files += sorted((cfg / "plans").glob("*.toml"))
        for path in self.rng.sample(files, self.rng.choice([1, 1, 2])):
            if path.exists():
                path.write_bytes(self.mut.mutate(path.read_bytes()))
        code = self.run("config", ["--config", str(cfg), "check"], [cfg])
        if code == 0:
            at = self.rng.choice(["01/01/2025", "30/06/2025 08:00", "31/12/2100 23:59"])
            self.run("config", ["--config", str(cfg), "calendar", "--format", "json",
                                "--at", at], [cfg])
            self.run("config", ["--config", str(cfg), "preview", "--at", at], [cfg])
        shutil.rmtree(d, ignore_errors=True)

    def fuzz_import(self, target, seeds, suffix, mutate):
        template, data = self.rng.choice(seeds)
        d, cfg = self.fresh(template)
        path = d / f"nop.{suffix}"
        path.write_bytes(mutate(data))
        args = ["--config", str(cfg), "import", str(path)]
        if suffix == "csv" and self.rng.random() < 0.2:
            args += ["--encoding", self.rng.choice(["utf-8", "utf-16", "windows-1258"])]
        self.run(target, args, [path])
        shutil.rmtree(d, ignore_errors=True)

    def mutate_xlsx(self, data):
        if self.rng.random() < 0.3:
            return self.mut.mutate(data)
        try:
            members = zipfile.ZipFile(io.BytesIO(data)).infolist()
            contents = {m.filename: zipfile.ZipFile(io.BytesIO(data)).read(m) for m in members}
        except zipfile.BadZipFile:
            return self.mut.mutate(data)
        xml = [n for n in contents if n.endswith(".xml") or n.endswith(".rels")]
        name = self.rng.choice(xml)
        contents[name] = self.mut.mutate(contents[name])
        buf = io.BytesIO()
        method = self.rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
        with zipfile.ZipFile(buf, "w", method) as z:
            for n, body in contents.items():
                z.writestr(n, body)
        return buf.getvalue()

    def fuzz_email(self):
        d, cfg = self.fresh(self.khanh_hoa)
        path = d / "thu.eml"
        path.write_bytes(self.mut.mutate(self.rng.choice(self.email_seeds)))
        args = ["--config", str(cfg), "inbox", "read", str(path)]
        if self.rng.random() < 0.5:
            args.append("--auto")
        self.run("email", args, [path])
        shutil.rmtree(d, ignore_errors=True)

    def loop(self, minutes):
        deadline = time.monotonic() + minutes * 60
        steps = [
            self.fuzz_config,
            lambda: self.fuzz_import("csv", self.csv_seeds, "csv", self.mut.mutate),
            lambda: self.fuzz_import("xlsx", self.xlsx_seeds, "xlsx", self.mutate_xlsx),
            self.fuzz_email,
        ]
        n = 0
        while time.monotonic() < deadline:
            steps[n % len(steps)]()
            n += 1

    def report(self):
        print(f"{'target':<8} {'runs':>7} {'panics':>7} {'over ' + str(self.timeout) + ' s':>9}"
              f" {'max s':>7}")
        total = Target("total")
        for t in self.targets.values():
            print(f"{t.name:<8} {t.runs:>7} {t.panics:>7} {t.slow:>9} {t.max_seconds:>7.2f}")
            total.runs += t.runs
            total.panics += t.panics
            total.slow += t.slow
            total.max_seconds = max(total.max_seconds, t.max_seconds)
        print(f"{'total':<8} {total.runs:>7} {total.panics:>7} {total.slow:>9}"
              f" {total.max_seconds:>7.2f}")
        for sig, count in sorted(self.signatures.items(), key=lambda x: -x[1]):
            print(f"panic x{count}: {sig}")
        if total.panics or total.slow:
            print(f"failing inputs: {self.out}")
        return 1 if total.panics or total.slow else 0


def minimal_xlsx(rows):
    """A one-sheet workbook with inline strings, the submitted_on column as
    Excel date serials (the built-in date format 14), as Excel saves one."""
    def cell(r, c, v):
        ref = f"{chr(65 + c)}{r + 1}"
        m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})(?: (\d{2}):(\d{2}))?", v)
        if r > 0 and c == 4 and m:
            import datetime
            d = datetime.datetime(int(m[3]), int(m[2]), int(m[1]), int(m[4] or 0),
                                  int(m[5] or 0))
            serial = (d - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
            return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
        esc = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>'
    body = "".join(
        f'<row r="{r + 1}">' + "".join(cell(r, c, v) for c, v in enumerate(row) if v) + "</row>"
        for r, row in enumerate(rows))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
            '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="Nop" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
            f'{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><fonts count="1"><font/>'
            '</fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{body}'
            '</sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def reply(in_reply_to, sender, subject, text, attachments=1, references=()):
    """A reply from an agency's address, with PDF attachments; `references`
    are added to its References."""
    parts = [
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        f"\r\n{text}\r\n"
    ]
    for i in range(attachments):
        parts.append(
            "--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename*=UTF-8''b%C3%A1o-c%C3%A1o-{i}.pdf\r\n"
            "\r\nJVBERi0xLjQKJcfsj6IK\r\n")
    return (f"From: Văn thư <{sender}>\r\nTo: vptt138@example.gov.vn\r\nSubject: {subject}\r\n"
            "Date: Mon, 16 Jun 2025 09:30:00 +0700\r\n"
            f"Message-ID: <{random.getrandbits(64):x}@agency.example.gov.vn>\r\n"
            f"In-Reply-To: {in_reply_to}\r\nReferences: {' '.join([*references, in_reply_to])}\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            + "".join(parts) + "--b1--\r\n").encode()


def bounce(message_id, recipient):
    """A delivery status notification for one of our reminders."""
    return ("From: Mail Delivery System <MAILER-DAEMON@example.gov.vn>\r\n"
            "To: vptt138@example.gov.vn\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            "Date: Mon, 16 Jun 2025 09:31:00 +0700\r\nMessage-ID: <bounce-1@example.gov.vn>\r\n"
            "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; "
            'report-type=delivery-status; boundary="r"\r\n\r\n--r\r\nContent-Type: text/plain\r\n'
            f"\r\n<{recipient}>: host said: 550 5.1.1 User unknown\r\n--r\r\n"
            "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; example.gov.vn\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n--r\r\n"
            f"Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: {message_id}\r\n"
            f"To: {recipient}\r\n--r--\r\n").encode()


def nested_messages(in_reply_to, sender, depth):
    """Messages each inside the one before, `depth` deep (a stack-overflow
    attempt: dropping such a tree recursively aborts the reader)."""
    head = (f"From: <{sender}>\r\nSubject: Re: thư lồng thư\r\nIn-Reply-To: {in_reply_to}\r\n"
            "Message-ID: <tower@agency.example.gov.vn>\r\nMIME-Version: 1.0\r\n")
    opening = "".join(f'Content-Type: multipart/mixed; boundary="m{i}"\r\n\r\n--m{i}\r\n'
                      "Content-Type: message/rfc822\r\n\r\n" for i in range(depth))
    closing = "".join(f"\r\n--m{i}--\r\n" for i in reversed(range(depth)))
    return (head + opening + "Subject: đáy\r\n\r\nSố: 9/BC" + closing).encode()


def nested(in_reply_to, sender, depth):
    """A multipart nested `depth` deep, a text part at the bottom."""
    head = (f"From: <{sender}>\r\nSubject: Re: lồng nhau\r\nIn-Reply-To: {in_reply_to}\r\n"
            "Message-ID: <nested@agency.example.gov.vn>\r\nMIME-Version: 1.0\r\n")
    body = "Content-Type: text/plain; charset=utf-8\r\n\r\nSố: 9/BC\r\n"
    for i in range(depth):
        body = (f'Content-Type: multipart/mixed; boundary="n{i}"\r\n\r\n--n{i}\r\n{body}'
                f"\r\n--n{i}--\r\n")
    return (head + body).encode()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", required=True, help="the dondoc binary to run")
    p.add_argument("--minutes", type=float, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True, help="where failing inputs are saved")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per run (5)")
    args = p.parse_args()
    f = Fuzzer(args)
    random.seed(args.seed)
    try:
        f.prepare()
        f.loop(args.minutes)
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(f.work, ignore_errors=True)
    sys.exit(f.report())


if __name__ == "__main__":
    main()
