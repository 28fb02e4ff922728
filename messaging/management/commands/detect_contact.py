"""Read messages one per line on standard input; print one JSON object per line:
{"flagged": true|false, "kinds": [...]}. Literal "\\n" in a line stands for a line break."""

import json
import sys

from django.core.management.base import BaseCommand

from messaging.contact import detect


class Command(BaseCommand):
    help = "Check messages (one per line on stdin) for off-platform contact; print one JSON per line."

    def add_arguments(self, parser):
        parser.add_argument("--spans", action="store_true", help="Also print the matched parts.")

    def handle(self, *args, **options):
        out = sys.stdout
        for line in sys.stdin:
            text = line.rstrip("\r\n")
            result = detect(text)
            data = result.as_json()
            if options["spans"]:
                data["matches"] = [text[s:e] for s, e in result.spans]
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
            out.flush()
