"""A person's results over time, as text pieces and a chart of the nine dimensions."""

import base64
import io
from typing import Dict, NamedTuple, Optional, Sequence

from storage.profiles import Summary
from tandem.knowledge import DIMENSIONS, Knowledge
from tandem.vocabulary import POLES, parse_keys


class TopPattern(NamedTuple):
    """The pattern a person described most often."""

    pole: str
    dimension: str
    times: int


def top_pattern(summary: Summary) -> Optional[TopPattern]:
    """The most frequent finding and how often it came up."""
    if summary.most_frequent is None:
        return None
    pole, dimension = summary.most_frequent.split(":", 1)
    return TopPattern(pole, dimension, summary.counts[dimension][pole])


def self_check_rows(keys: Sequence[str], kb: Knowledge) -> Dict[str, str]:
    """The self-check's rows by side, as readable lists ("none" when a side is empty)."""
    sides = {pole: [kb.dimension(f.dimension).name for f in parse_keys(keys) if f.pole == pole]
             for pole in POLES}
    return {pole: ", ".join(names) or kb.labels["no_rows"] for pole, names in sides.items()}


def dimension_lines(summary: Summary, kb: Knowledge) -> str:
    """One line per dimension the person described, in the article's table order."""
    template = kb.labels["summary_line"]
    return "\n".join(
        template.format(name=kb.dimension(key).name, **summary.counts[key])
        for key in DIMENSIONS if key in summary.counts)


def chart_png(counts: Dict[str, Dict[str, int]], kb: Knowledge) -> bytes:
    """Horizontal bars, codependent and interdependent, for all nine dimensions."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    names = [kb.dimension(key).name for key in DIMENSIONS]
    co = [counts.get(key, {}).get("codependent", 0) for key in DIMENSIONS]
    inter = [counts.get(key, {}).get("interdependent", 0) for key in DIMENSIONS]
    rows = range(len(DIMENSIONS))
    figure, axes = pyplot.subplots(figsize=(6, 4), dpi=80)
    try:
        axes.barh([r - 0.2 for r in rows], co, height=0.4, color="#c0504d",
                  label=kb.labels["chart_codependent"])
        axes.barh([r + 0.2 for r in rows], inter, height=0.4, color="#4f81bd",
                  label=kb.labels["chart_interdependent"])
        axes.set_yticks(list(rows), names)
        axes.invert_yaxis()
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_title(kb.labels["chart_title"])
        axes.legend(loc="lower right", fontsize="small")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)


def as_data_uri(png: bytes) -> str:
    """An image the widget can show without fetching anything from elsewhere."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
