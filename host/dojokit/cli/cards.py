"""`dojokit box cards BOX [--lang nl] OUT.html`: a box's exercise cards, ready to print."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dojokit.i18n import language, t

EXIT_OK, EXIT_USER = 0, 2


def cmd_cards(args: Any) -> int:
    from dojokit.cli.box import _load, _UserError
    from dojokit.themebox.cards import cards_html
    from dojokit.themebox.format import BoxError, pick

    lang = args.lang or language()
    try:
        box = _load(args.box)
    except (BoxError, _UserError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    out = Path(args.out)
    try:
        out.write_text(cards_html(box, lang), encoding="utf-8")
    except OSError as exc:
        print(t("cards.cannot_write", path=out, why=exc.strerror or exc), file=sys.stderr)
        return EXIT_USER
    print(t("cards.wrote", count=len(box.exercises), box=pick(box.title, lang), path=out))
    return EXIT_OK
