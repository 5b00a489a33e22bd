from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages, also extracting ``_lazy("…")``: forms import gettext_lazy under
    that name next to gettext's ``_``, and xgettext would otherwise miss their labels."""

    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
