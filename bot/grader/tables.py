"""Reading the CSV files that measure the grader: named columns, a clear error naming the line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path


def csv_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of the file with its line number; ValueError for a missing column or a short
    row."""
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            if any(row[column] is None for column in columns):
                raise ValueError(f"line {reader.line_num}: fewer than {len(columns)} columns")
            yield reader.line_num, row
