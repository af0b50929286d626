"""An SMTP receiver for the tests: aiosmtpd on 127.0.0.1:PORT writing each message it accepts to
DIR as N.eml (the bytes received) and N.json (envelope, threading headers, attachments in hex).

Usage: python smtp_sink.py PORT DIR   (prints "ready" once listening; stop it with a signal)
"""
import email
import email.policy
import json
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        self.count = len([n for n in os.listdir(folder) if n.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        attachments = []
        for part in message.iter_attachments():
            attachments.append({
                "name": part.get_filename(),
                "content_type": part.get_content_type(),
                "hex": part.get_payload(decode=True).hex(),
            })
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": message.get("Message-ID"),
            "in_reply_to": message.get("In-Reply-To"),
            "references": message.get("References"),
            "to": message.get("To"),
            "from": message.get("From"),
            "subject": message.get("Subject"),
            "body": body.get_content() if body is not None else None,
            "attachments": attachments,
        }
        with self.lock:
            self.count += 1
            n = self.count
        with open(os.path.join(self.folder, f"{n}.eml"), "wb") as f:
            f.write(envelope.content)
        with open(os.path.join(self.folder, f"{n}.json"), "w") as f:
            json.dump(record, f)
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
