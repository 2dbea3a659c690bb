"""The ads' export files: one Google Ads Editor CSV per campaign, one row per ad, rows known by post id.

Which row is which post's is kept beside the files, in ``.refrain-ads.json`` ({post id: {"file",
"row"}}): delivering a post again (a lost answer, an edit) replaces its own row, moving it when its
campaign changed, and never adds a second. The index is also the mark of what Refrain wrote:
- a campaign file Refrain did not write is never replaced (the delivery is refused, the file untouched);
- in a file Refrain wrote, a row that is not exactly one Refrain wrote there (added or edited by hand,
  in a spreadsheet say) is kept as it is when the file is written again; a file whose columns or
  encoding were changed is left untouched and the delivery refused, since its rows can't be told apart.
An ad edited by hand in the file is therefore kept beside the post's new row: a duplicate to remove in
the editor, rather than someone's work lost.
"""

import csv
import io
import json
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from channels.outbox import write_atomically
from scheduler.domain.language import _

INDEX_NAME = ".refrain-ads.json"
LOCK_NAME = ".refrain-ads.lock"


class ForeignFile(Exception):
    """A campaign's file is there already, and Refrain did not write it (or it was changed since)."""


def export(folder: Path, post_id: int, filename: str, row: dict, columns: Sequence[str]) -> tuple[Path, int]:
    """Puts the post's row in ``filename``, out of any other campaign file it was in before, rewriting
    each changed file whole and atomically (Refrain's rows in post order, then the others as they were);
    the index is written last, so a failure halfway is mended by the next attempt. A lock keeps two
    deliveries from losing each other's rows. Returns the file and how many rows in it Refrain did not write."""
    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder / LOCK_NAME):
        index = read_index(folder / INDEX_NAME)
        written = {entry["file"] for entry in index.values()}
        target = folder / filename
        if filename not in written and (target.exists() or target.is_symlink()):
            raise ForeignFile(
                _(
                    "%(filename)s already exists in the export folder and Refrain did not write it: "
                    "it is left untouched; move it away, or export this campaign to another folder",
                    filename=filename,
                )
            )
        before = index.get(str(post_id), {}).get("file")
        names = {filename, before} - {None}
        theirs = {
            name: rows_not_written(folder / name, [e["row"] for e in index.values() if e["file"] == name], columns)
            for name in names
        }
        index[str(post_id)] = {"file": filename, "row": row}
        in_post_order = [entry for _, entry in sorted(index.items(), key=lambda item: int(item[0]))]
        for name in names:
            ours = [entry["row"] for entry in in_post_order if entry["file"] == name]
            if ours or theirs[name]:
                write_atomically(folder / name, editor_csv(ours + theirs[name], columns))
            else:
                (folder / name).unlink(missing_ok=True)
        write_atomically(folder / INDEX_NAME, json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8"))
    return target, len(theirs[filename])


def rows_not_written(path: Path, ours: list[dict], columns: Sequence[str]) -> list[dict]:
    """The rows of a file Refrain wrote that are not, value for value, rows Refrain wrote there; raises
    ForeignFile when the file can no longer be read as the editor's file Refrain wrote."""
    if not (path.exists() or path.is_symlink()):
        return []

    def changed(why: str) -> ForeignFile:
        return ForeignFile(
            _(
                "%(name)s was changed since Refrain wrote it (%(why)s): it is left untouched; "
                "move it away, or export this campaign to another folder",
                name=path.name,
                why=why,
            )
        )

    if path.is_symlink() or not path.is_file():
        raise changed(_("it is no longer a plain file"))
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise changed(_("it is no longer UTF-8")) from None
    except OSError as error:
        raise changed(_("it cannot be read: %(error)s", error=error)) from None
    lines = csv.reader(io.StringIO(text, newline=""))
    header = next(lines, None)
    if header is None:
        return []
    if header != list(columns):
        raise changed(_("its columns are not the ones Refrain writes"))
    unclaimed = [tuple(str(row.get(column, "")) for column in columns) for row in ours]
    theirs = []
    for values in lines:
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(columns):
            raise changed(_("a row has more values than the columns"))
        values = tuple(values) + ("",) * (len(columns) - len(values))
        if values in unclaimed:
            unclaimed.remove(values)  # one of Refrain's rows, written again from the index
        else:
            theirs.append(dict(zip(columns, values)))
    return theirs


def editor_csv(rows: list[dict], columns: Sequence[str]) -> bytes:
    """UTF-8 with a byte order mark: how Google Ads Editor (and spreadsheets) know it is UTF-8."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def read_index(path: Path) -> dict:
    """{post id: {"file": "<campaign>.csv", "row": {column: value}}}; a missing or unreadable index is empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        key: entry
        for key, entry in data.items()
        if key.isdigit()
        and isinstance(entry, dict)
        and isinstance(entry.get("file"), str)
        and isinstance(entry.get("row"), dict)
    }


@contextmanager
def locked(path: Path):
    try:
        import fcntl
    except ImportError:  # not on a POSIX system: one worker at a time is assumed
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
