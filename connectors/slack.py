"""Slack: Rasa's connector, read from the environment, with retries and bad bodies refused.

Enabled when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set. SLACK_API_URL points the
Web API client elsewhere (the offline tests use a local fake; default: Slack itself).
"""

import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from connectors.guard import guard
from tandem import settings
from connectors.recent import RecentIds

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"


class TandemSlackBot(SlackBot):
    """Rasa's Slack output, talking to the Web API at a configurable address."""

    def __init__(self, token: str, api_url: str, slack_channel: Optional[str] = None,
                 thread_id: Optional[str] = None, proxy: Optional[str] = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)


class SlackChannel(SlackInput):
    """Slack events and interactive payloads on /webhooks/slack/webhook."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Builds the channel from the environment; credentials.yml holds no secrets."""
        slack = settings.slack()
        return cls(slack["token"], slack["secret"], slack["api_url"] or DEFAULT_API_URL)

    def __init__(self, token: str, signing_secret: str, api_url: str = DEFAULT_API_URL
                 ) -> None:
        self.enabled = bool(token and signing_secret)
        # Rasa refuses an empty signing secret; a disabled channel never checks one.
        super().__init__(token, slack_signing_secret=signing_secret or "disabled",
                         slack_retry_reason_header="x-slack-retry-reason",
                         slack_retry_number_header="x-slack-retry-num", use_threads=False)
        self.api_url = api_url
        self.deliveries = RecentIds()

    def get_output_channel(self, channel: Optional[str] = None,
                           thread_id: Optional[str] = None) -> OutputChannel:
        """The Web API client that posts the bot's replies."""
        return TandemSlackBot(self.slack_token, self.api_url, channel or self.slack_channel,
                              thread_id, self.proxy)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                  ) -> Blueprint:
        """Rasa's Slack routes behind a screen for configuration, signature and body."""
        slack_webhook = super().blueprint(guard(on_new_message))

        @slack_webhook.middleware("request")
        async def screen(request: Request) -> Optional[HTTPResponse]:
            if not request.path.endswith("/webhook"):
                return None
            if not self.enabled:
                return response.json({"error": "Slack is not configured on this server"},
                                     status=HTTPStatus.NOT_FOUND)
            if request.method != "POST":
                return response.text("", status=HTTPStatus.METHOD_NOT_ALLOWED)
            if not self.is_request_from_slack_authentic(request):
                logger.warning("Refused a Slack request with a bad or stale signature.")
                return response.text("Bad or stale X-Slack-Signature.",
                                     status=HTTPStatus.BAD_REQUEST)
            body = slack_body(request)
            if body is None:
                return response.text("Malformed Slack request body.",
                                     status=HTTPStatus.BAD_REQUEST)
            if body.get("type") == "url_verification":
                return response.json({"challenge": body.get("challenge", "")})
            delivery = body.get("event_id") or body.get("trigger_id")
            if delivery and self.deliveries.check_and_add(delivery):
                logger.info("Ignored a repeated Slack delivery (retry %s).",
                            request.headers.get("x-slack-retry-num", "-"))
                return response.text("", headers={"X-Slack-No-Retry": "1"})
            return None

        return slack_webhook


def slack_body(request: Request) -> Optional[Dict[str, Any]]:
    """The event (JSON) or interactive payload (form) as a dict; None if malformed."""
    content_type = request.headers.get("content-type", "")
    try:
        if content_type == "application/json":
            body = json.loads(request.body)
        elif content_type == "application/x-www-form-urlencoded":
            body = json.loads(request.form["payload"][0])
        else:
            return {}
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("event", {}), dict):
        return None
    return body
