"""Fixes to Rasa 3.6.21 itself, applied once in every process that loads Tandem's model.

Two speed-ups give exactly Rasa's results without repeating work on every message (the
action-result schema check, the event type lookup). Four change behaviour on purpose:
a custom action gets `TANDEM_ACTION_TIMEOUT` seconds instead of 5 minutes, a timeout
fails like an unreachable action server, the action server receives the latest turns of
a conversation rather than all of it (`TANDEM_TRIM_ACTION_EVENTS=0` sends all;
actions/README.md), and the per-message slots are cleared by Rasa's own slot extraction
instead of a second action-server call (`patches.slot_reset`). The first ones were found
with py-spy (bench/results/runtime.md); each is tested against Rasa's own code in
tests/test_patches.py. `patches.action_server`, `patches.events` and `patches.slot_reset`
hold them.

Where they are applied: `components/__init__.py` calls `apply()`. Every process that
loads the model (`rasa run`, `rasa shell`, `rasa test`, `rasa interactive`, an in-process
`Agent.load`) rebuilds the model's graph from its metadata, and that imports the classes
the graph names, Tandem's NLU components among them (`components.intent_classifier...`),
so the package is imported before a single message is handled, whatever endpoints,
credentials or command line the process was started with. The tracker store (which used
to apply them) is only built when an endpoints file names it: `rasa test` and
`Agent.load` without endpoints ran unpatched.

Each patch replaces one Rasa function and keeps the original as `__wrapped__`.
"""

import logging
from typing import List

import rasa

logger = logging.getLogger(__name__)

# Every patch is written against this release's source; another release needs each one
# re-read against the new code (tests/test_patches.py compares them with the originals).
SUPPORTED_RASA_VERSION = "3.6.21"
# Kept on Rasa's module rather than here, so a re-imported `patches` cannot patch twice.
_APPLIED = "_tandem_patched"


class UnsupportedRasaVersion(RuntimeError):
    """Rasa is not the release Tandem's patches were written for."""


def check_rasa_version(version: str = "") -> None:
    """Raises UnsupportedRasaVersion unless Rasa is exactly SUPPORTED_RASA_VERSION."""
    running = version or rasa.__version__
    if running != SUPPORTED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"Tandem's fixes to Rasa (patches/) are written for Rasa {SUPPORTED_RASA_VERSION} "
            f"and this process runs Rasa {running}. Install the pinned requirements "
            f"(`make install`), or re-check every patch in patches/ against Rasa {running} "
            f"(tests/test_patches.py) before changing SUPPORTED_RASA_VERSION.")


def apply() -> List[str]:
    """Checks the Rasa version and applies every fix, once per process.

    Returns:
        What each active patch does, as logged at start (empty if already applied).
    """
    check_rasa_version()
    # Imported here so that a wrong Rasa version fails with the message above, not with
    # whatever the patches would trip over in another release.
    import rasa.core.actions.action as rasa_actions

    from patches import action_server, events, payload_screen, slot_reset

    if getattr(rasa_actions, _APPLIED, False):
        return []

    active = [
        action_server.limit_action_wait(),
        action_server.fail_timed_out_actions_like_unreachable_ones(),
        action_server.validate_action_results_with_a_compiled_schema(),
        events.resolve_event_types_once(),
        action_server.send_recent_turns_to_actions(),
        slot_reset.clear_per_message_slots(),
        payload_screen.screen_payloads(),
    ]
    setattr(rasa_actions, _APPLIED, True)
    logger.info("Rasa %s patched by Tandem (patches/): %s.", rasa.__version__,
                "; ".join(active))
    return active
