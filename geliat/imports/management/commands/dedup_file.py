"""``geliat dedup-file INPUT --out OUT [--backend duckdb|spark] [--threshold P]``.

Finds the rows of one person in a data officer's own spreadsheet (CSV or XLSX) and
writes ``id, cluster_id, match_probability`` per row; see ``geliat.imports.dedup_file``.
Nothing is stored in the database.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from geliat.imports.dedup_file import FIELD_LABELS, dedup_file


def _probability(value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise CommandError(
            _("--threshold harus angka antara 0 dan 1, misalnya 0.9 (tertulis: %(value)s).") % {"value": value}
        ) from None
    if not 0 < number <= 1:
        raise CommandError(
            _("--threshold harus di atas 0 dan paling besar 1, misalnya 0.9 (tertulis: %(value)s).") % {"value": value}
        )
    return number


class Command(BaseCommand):
    help = _(
        "Cari baris-baris milik orang yang sama dalam berkas CSV/XLSX sendiri; hasilnya CSV berisi id, cluster_id "
        "dan match_probability untuk setiap baris."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", metavar="INPUT", help=_("Berkas .csv atau .xlsx dengan baris judul kolom."))
        parser.add_argument("--out", required=True, metavar="OUT.csv", help=_("Berkas CSV hasil."))
        parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb",
                            help=_("Mesin pencocokan: duckdb (bawaan) atau spark."))
        parser.add_argument("--threshold", type=_probability, default=0.9, metavar="P",
                            help=_("Peluang sama minimal agar dua baris dianggap satu orang (bawaan 0.9)."))
        parser.add_argument("--train", action="store_true",
                            help=_("Latih model (EM) pada berkas ini dulu, alih-alih memakai model tersimpan."))
        parser.add_argument("--model", metavar="MODEL.json", default=None,
                            help=_("Model tersimpan yang dipakai (bawaan: GELIAT_DEDUP_MODEL_PATH atau model bawaan)."))

    def handle(self, *args, input, out, backend, threshold, train, model, **options):
        output = Path(out)
        if output.resolve() == Path(input).resolve():
            raise CommandError(_("--out tidak boleh sama dengan berkas masukan; pilih nama berkas lain."))
        verbose = options.get("verbosity", 1) > 0

        def progress(stage: str, fraction: float) -> None:
            if verbose and options.get("verbosity", 1) > 1:
                self.stderr.write(f"{stage} {fraction:.0%}")

        try:
            result = dedup_file(input_path=Path(input), output_path=output, backend=backend, threshold=threshold,
                                train=train, model_path=Path(model) if model else None, progress=progress)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        except FileNotFoundError as error:
            raise CommandError(_("Berkas model %(path)s tidak ditemukan.") % {"path": error}) from None
        if verbose:
            columns = ", ".join(f"{FIELD_LABELS.get(field, field)} ← “{header}”" for field, header in result.columns.items())
            self.stdout.write(_("Kolom dipakai: %(columns)s") % {"columns": columns})
            self.stdout.write(
                _("%(rows)d baris diperiksa dalam %(seconds).1f detik: %(clusters)d kelompok data ganda berisi "
                  "%(grouped)d baris. Hasil: %(out)s")
                % {"rows": result.rows, "seconds": result.seconds, "clusters": result.clusters,
                   "grouped": result.rows_in_clusters, "out": output}
            )
