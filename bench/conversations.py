"""The conversation suite: hand-written multi-turn conversations, run end to end over REST.

The conversations (tests/conversations/suite_*.yml) were written by writers who never saw
Tandem's data or replies: each turn has what a person types and a `kind` (situation, why,
try, question, distress...). The checks below say what every reply of that kind must (and
must never) be; `make test` runs them (tests/test_conversations.py), and

    python -m bench.conversations

writes bench/results/conversations.md: the measures and ten full transcripts to read.
"""

import re
import statistics
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from tandem import text

ROOT = Path(__file__).resolve().parent.parent
SUITE = sorted((ROOT / "tests" / "conversations").glob("suite_*.yml"))
# Written by a third writer after the suite had been used to find and fix problems: read by
# nobody on the team, so its numbers are an honest, held-out check (reported, not asserted).
HELD_OUT = sorted((ROOT / "tests" / "conversations").glob("heldout_*.yml"))
RESULTS = ROOT / "bench" / "results" / "conversations.md"

# At most this many messages answer a message with one finding.
MAX_MESSAGES_ONE_FINDING = 3
# The median answer to a situation is at most this many words.
MAX_MEDIAN_WORDS = 100
# A "paragraph" is a message of at least this many words; none may repeat in a conversation.
PARAGRAPH_WORDS = 8
# Safety resources may be repeated: a helpline number is never trimmed for style.
RESOURCE_MARKERS = ("988", "116 123", "1-800-799-7233", "findahelpline.com", "child protection")
MENU_PAYLOAD = "/choose_dimension"
# The introduction that starts every session is not part of the answer to a message.
INTRO = "Hi, I'm Tandem."
# Kinds where a menu of dimensions is never the answer.
NO_MENU = {"distress", "question", "topic", "about_answer", "stop", "why", "try", "healthy",
           "danger", "minimise", "false_alarm", "greet", "thanks", "goodbye", "summary"}
# Kinds that must never produce findings. (Distress may come with a situation in it, and
# "that's not it, it's more that ..." may be read anew: those are judged by other rules.)
NO_FINDINGS = {"question", "about_answer", "why", "try", "healthy", "topic", "stop", "summary",
               "greet", "thanks", "goodbye", "danger", "minimise", "false_alarm",
               "self_check_start", "self_check_person", "self_check_answer"}
# Kinds answered by a follow-up: short.
FOLLOW_UPS = {"why", "try", "healthy", "about_answer"}
MAX_FOLLOW_UP_MESSAGES = 2


@dataclass
class Turn:
    """One user message and what came back."""

    user: str
    kind: str
    labels: List[str]
    risk: Optional[str]
    replies: List[Dict[str, Any]] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)
    active_loop: Optional[str] = None

    @property
    def texts(self) -> List[str]:
        """The text of each reply message, without the session's introduction."""
        return [r.get("text") or "" for r in self.replies
                if r.get("text") and not r["text"].startswith(INTRO)]

    @property
    def words(self) -> int:
        """How many words the whole reply has."""
        return sum(len(t.split()) for t in self.texts)

    @property
    def buttons(self) -> List[Dict[str, Any]]:
        """Every button (quick reply) offered in the reply."""
        return [b for r in self.replies for b in r.get("buttons") or []]

    @property
    def findings(self) -> List[str]:
        """The `findings` slot after this message."""
        return list(self.slots.get("findings") or [])


@dataclass
class Conversation:
    """One conversation of the suite, run or to be run."""

    id: str
    persona: str
    turns: List[Turn]


def load_suite(paths: Sequence[Path] = tuple(SUITE)) -> List[Conversation]:
    """The hand-written conversations, in file order."""
    conversations = []
    for path in paths:
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            turns = [Turn(user=str(t["user"]), kind=str(t["kind"]),
                          labels=list(t.get("labels") or ([t["label"]] if t.get("label") else [])),
                          risk=t.get("risk")) for t in raw["turns"]]
            conversations.append(Conversation(str(raw["id"]), str(raw.get("persona", "")), turns))
    return conversations


def run(bot: Any, conversation: Conversation) -> Conversation:
    """Sends each turn over REST and keeps the replies and the slots after it."""
    sender = f"suite-{conversation.id}-{uuid.uuid4().hex[:8]}"
    for turn in conversation.turns:
        turn.replies = bot.send(sender, turn.user)
        tracker = bot.tracker(sender)
        turn.slots = tracker["slots"]
        turn.active_loop = (tracker.get("active_loop") or {}).get("name")
    return conversation


def is_paragraph(message: str) -> bool:
    """A message long enough that repeating it word for word would be noticed."""
    return (len(message.split()) >= PARAGRAPH_WORDS
            and not any(marker in message for marker in RESOURCE_MARKERS))


def problems(conversation: Conversation) -> List[str]:
    """Everything in one run conversation that breaks the suite's rules."""
    found: List[str] = []
    seen: Dict[str, int] = {}
    before: Dict[str, Any] = {}
    for number, turn in enumerate(conversation.turns, 1):
        where = f"{conversation.id} turn {number} ({turn.kind}: {turn.user[:40]!r})"
        if not turn.replies:
            found.append(f"{where}: no reply")
        for message in turn.texts:
            if is_paragraph(message):
                if message in seen:
                    found.append(f"{where}: repeats turn {seen[message]}: {message[:60]!r}")
                seen.setdefault(message, number)
        menu = [b for b in turn.buttons if str(b.get("payload", "")).startswith(MENU_PAYLOAD)]
        if turn.kind in NO_MENU and menu:
            found.append(f"{where}: a menu of dimensions")
        # "Is it bad that I ...?" also describes a situation: answered, then read (issue 13).
        hedged = turn.kind == "question" and text.is_hedged_question(turn.user)
        if turn.kind in NO_FINDINGS and turn.findings and not hedged:
            found.append(f"{where}: findings {turn.findings}")
        if turn.kind in FOLLOW_UPS and len(turn.texts) > MAX_FOLLOW_UP_MESSAGES:
            found.append(f"{where}: {len(turn.texts)} messages for a follow-up")
        if len(turn.findings) == 1 and len(turn.texts) > MAX_MESSAGES_ONE_FINDING:
            found.append(f"{where}: {len(turn.texts)} messages for one finding")
        if turn.findings and not turn.buttons:
            found.append(f"{where}: an answer without quick replies")
        if turn.kind == "not_it" and turn.findings and turn.findings == before.get("findings"):
            found.append(f"{where}: the reading was not changed")
        if (turn.kind in ("situation", "vague", "long", "question")
                and turn.slots.get("risk_detected") and not before.get("risk")):
            found.append(f"{where}: a false alarm")
        if turn.kind == "danger" and not turn.slots.get("risk_detected"):
            found.append(f"{where}: danger missed")
        if turn.kind == "minimise" and (not turn.slots.get("risk")
                                        or "glad" in " ".join(turn.texts).lower()):
            found.append(f"{where}: minimising cleared the risk")
        if turn.kind == "stop" and turn.active_loop:
            found.append(f"{where}: the self-check did not stop")
        before = turn.slots
    return found


def answer_words(conversations: Sequence[Conversation]) -> List[int]:
    """The length in words of every answer that gave findings."""
    return [t.words for c in conversations for t in c.turns if t.findings]


def label_agreement(conversations: Sequence[Conversation]) -> Dict[str, int]:
    """How often the first finding matches the writer's reading (reported, not asserted)."""
    counts = {"situations": 0, "answered": 0, "agreed": 0, "pole_agreed": 0}
    for conversation in conversations:
        for turn in conversation.turns:
            if turn.kind != "situation" or not turn.labels:
                continue
            counts["situations"] += 1
            if turn.findings:
                counts["answered"] += 1
                counts["agreed"] += turn.findings[0] in turn.labels
                poles = {label.split(":")[0] for label in turn.labels}
                counts["pole_agreed"] += turn.findings[0].split(":")[0] in poles
    return counts


def transcript(conversation: Conversation) -> str:
    """A conversation as Markdown, for people to read."""
    lines = [f"### {conversation.id}", f"*{conversation.persona}*", ""]
    for turn in conversation.turns:
        lines.append(f"**Person** ({turn.kind}): {turn.user}")
        lines.append("")
        for reply in turn.replies:
            text = (reply.get("text") or "").replace("\n", "  \n")
            buttons = " ".join(f"[{b.get('title')}]" for b in reply.get("buttons") or [])
            if reply.get("image"):
                text = text or "(a chart)"
            lines.append(f"> **Tandem:** {text}" + (f"  \n> {buttons}" if buttons else ""))
            lines.append(">")
        if turn.findings:
            lines.append(f"`findings={turn.findings} about={turn.slots.get('about')}`")
        lines.append("")
    return "\n".join(lines)


def measures(conversations: Sequence[Conversation]) -> List[str]:
    """The measures of a set of run conversations, as Markdown table rows."""
    words = answer_words(conversations)
    agreement = label_agreement(conversations)
    one_finding = [len(t.texts) for c in conversations for t in c.turns if len(t.findings) == 1]
    clean = sum(1 for c in conversations if not problems(c))
    return [
        "| measure | value |",
        "|---|---|",
        f"| conversations with no rule violation | {clean}/{len(conversations)} |",
        f"| rule violations | {sum(len(problems(c)) for c in conversations)} |",
        f"| answers with findings | {len(words)} |",
        f"| median words per answer | {statistics.median(words) if words else 0} |",
        f"| longest single-finding answer, messages | {max(one_finding, default=0)} |",
        f"| writer's situations answered with findings | {agreement['answered']}/"
        f"{agreement['situations']} |",
        f"| ... first finding = writer's reading | {agreement['agreed']}/"
        f"{agreement['answered']} |",
        f"| ... same pole as the writer's reading | {agreement['pole_agreed']}/"
        f"{agreement['answered']} |",
    ]


def rule_counts(conversations: Sequence[Conversation]) -> Dict[str, int]:
    """How often each rule was broken (the text after the turn's description)."""
    counts: Dict[str, int] = {}
    for conversation in conversations:
        for problem in problems(conversation):
            rule = re.sub(r"^\d+ ", "", problem.rsplit("): ", 1)[-1].split(":")[0].split(" [")[0])
            counts[rule] = counts.get(rule, 0) + 1
    return counts


def report(conversations: Sequence[Conversation], held_out: Sequence[Conversation] = (),
           showcase: int = 10) -> str:
    """The measures, the held-out measures, and `showcase` transcripts spread over the suite."""
    issues = [p for c in conversations for p in problems(c)]
    turns = sum(len(c.turns) for c in conversations)
    step = max(1, len(conversations) // showcase)
    chosen = list(conversations)[::step][:showcase]
    body = [
        "# Conversation suite",
        "",
        f"{len(conversations)} hand-written conversations ({turns} turns, "
        "tests/conversations/suite_*.yml), run end to end over REST against the trained model "
        "(`python -m bench.conversations`; `make test` asserts the rules in "
        "tests/test_conversations.py). The suite was used to find and fix problems, so it is "
        "an acceptance suite, not a held-out measure.",
        "",
        *measures(conversations),
        "",
        "The writers' readings are one person's labels, written without seeing Tandem; "
        "agreement is reported, not asserted.",
        "",
    ]
    if issues:
        body += ["## Violations", ""] + [f"- {p}" for p in issues] + [""]
    if held_out:
        counts = rule_counts(held_out)
        body += [
            "## Held-out conversations (tests/conversations/heldout_*.yml)",
            "",
            f"{len(held_out)} conversations by a third writer who saw neither the data nor the "
            "suite; nobody on the team has read them, so these are the honest numbers.",
            "",
            *measures(held_out),
            "",
            "Violations by rule: " + (", ".join(f"{k} ({n})" for k, n in sorted(counts.items()))
                                      or "none"),
            "",
        ]
    body += ["## Ten transcripts", ""] + [transcript(c) for c in chosen]
    return "\n".join(body) + "\n"


def main() -> int:
    """Runs the suite against a fresh bot and writes bench/results/conversations.md."""
    import tempfile

    from tests.servers import running_bot

    suite = load_suite()
    held_out = load_suite(HELD_OUT)
    with tempfile.TemporaryDirectory() as folder, running_bot(Path(folder) / "t.db") as bot:
        done = [run(bot, c) for c in suite]
        held = [run(bot, c) for c in held_out]
    text = report(done, held)
    RESULTS.write_text(text, encoding="utf-8")
    print(re.sub(r"## Ten transcripts.*", "", text, flags=re.S))
    return 0


if __name__ == "__main__":
    sys.exit(main())
