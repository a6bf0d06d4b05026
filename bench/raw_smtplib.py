"""The baseline for the send-throughput benchmark: send the same .eml files
over one SMTP connection with Python's smtplib, as fast as it goes.

Usage: raw_smtplib.py PORT DIR   (prints messages per second)
"""

import email
import smtplib
import sys
import time
from pathlib import Path

port, folder = int(sys.argv[1]), Path(sys.argv[2])
messages = []
for path in sorted(folder.glob("*.eml")):
    raw = path.read_bytes()
    parsed = email.message_from_bytes(raw)
    rcpts = [a for h in ("To", "Cc") for _, a in email.utils.getaddresses(parsed.get_all(h, []))]
    messages.append((email.utils.parseaddr(parsed["From"])[1], rcpts, raw))

start = time.perf_counter()
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for sender, rcpts, raw in messages:
        smtp.sendmail(sender, rcpts, raw)
elapsed = time.perf_counter() - start
print(f"{len(messages) / elapsed:.1f}")
