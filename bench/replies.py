#!/usr/bin/env python3
"""Writes, into MAILDIR/new, one reply to every reminder in OUTBOX, as an
agency's mail program writes it: from the reminder's first To address,
In-Reply-To its Message-ID, "Số: N/BC-DV" in the text, a small PDF attached.
With --strangers, the same messages come from addresses no agency has (and
reply to nothing): dondoc ignores them and leaves them unseen.
Usage: bench/replies.py OUTBOX MAILDIR [--strangers]"""
import email
import email.policy
import email.utils
import os
import sys
from email.message import EmailMessage

outbox, maildir = sys.argv[1], sys.argv[2]
strangers = "--strangers" in sys.argv[3:]
pdf = b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n" * 40
n = 0
for name in sorted(os.listdir(outbox)):
    with open(os.path.join(outbox, name), "rb") as f:
        reminder = email.message_from_binary_file(f, policy=email.policy.default)
    to = email.utils.getaddresses([str(reminder["To"])])[0][1]
    n += 1
    reply = EmailMessage()
    reply["From"] = f"nguoi-la-{n}@gmail.com" if strangers else to
    reply["To"] = str(reminder["From"])
    reply["Subject"] = "Re: " + str(reminder["Subject"])
    reply["Date"] = "Fri, 25 Apr 2025 10:15:00 +0700"
    kind = "stranger" if strangers else "reply"
    reply["Message-ID"] = f"<{kind}-{n}@bench.example.gov.vn>"
    if not strangers:
        reply["In-Reply-To"] = str(reminder["Message-ID"])
        reply["References"] = str(reminder["Message-ID"])
    reply.set_content(f"Kính gửi Văn phòng,\nĐơn vị gửi báo cáo Số: {n}/BC-DV ngày 25/4/2025.\n")
    reply.add_attachment(pdf, maintype="application", subtype="pdf", filename="Báo cáo.pdf")
    with open(os.path.join(maildir, "new", f"{n}.M{n}P1.{kind}"), "wb") as f:
        f.write(reply.as_bytes())
print(n)
