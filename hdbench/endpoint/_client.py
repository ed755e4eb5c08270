"""One client for every OpenAI-compatible chat server (OpenAI, vLLM, llama.cpp, transformers...).

``Endpoint.chat`` never raises for an endpoint fault. It retries 429s, 5xx, timeouts, connection
errors and malformed responses with exponential backoff and jitter, counts its attempts, and
after the last one returns a ``Completion`` whose ``error`` says what happened. The API key is read
from an environment variable, handed to the HTTP client and nowhere else: every error text is
scrubbed of it before it is logged or returned.
"""

from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass
from typing import Any

import openai

from hdbench.endpoint._completion import Completion
from hdbench.endpoint._tokens import TokenCounter, load_counter
from hdbench.schema import EndpointParams, TokenSource

log = logging.getLogger(__name__)

NO_KEY = "not-needed"
"""Sent when the key variable is unset: local servers ignore the key, the client needs one."""
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
"""HTTP statuses worth another attempt; any other error status fails at once."""
MAX_BACKOFF_S = 30.0
"""Ceiling of one backoff pause (also caps a server's Retry-After)."""


class MalformedResponse(Exception):
    """A 2xx response that is not a usable chat completion."""


@dataclass(frozen=True)
class _Reply:
    text: str
    finish_reason: str | None
    usage: tuple[int, int] | None


class Endpoint:
    """A thread-safe chat client for one model on one OpenAI-compatible server.

    Example:
        >>> ep = Endpoint(EndpointParams(base_url="http://127.0.0.1:8080/v1"), model="qwen")
        >>> ep.chat([{"role": "user", "content": "hi"}]).text  # doctest: +SKIP
    """

    def __init__(
        self,
        params: EndpointParams,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        tokenizer: str | None = None,
        backoff_s: float = 1.0,
    ) -> None:
        self.params = params
        self.model = model
        self.api_key_env = api_key_env
        self.backoff_s = backoff_s
        self._key = os.environ.get(api_key_env) or NO_KEY
        # max_retries=0: attempts and backoff are ours, so they are counted and recorded.
        self._client = openai.OpenAI(base_url=params.base_url, api_key=self._key, max_retries=0)
        self._counter: TokenCounter | None = load_counter(tokenizer)

    def __repr__(self) -> str:
        return f"Endpoint(base_url={self.params.base_url!r}, model={self.model!r})"

    def chat(self, messages: list[dict], **overrides: Any) -> Completion:
        """Send one chat request; return the reply, or a Completion with ``error`` set.

        ``overrides`` go to the request as they are (``temperature``, ``seed``, ``stop``,
        ``response_format``, ``extra_body={"grammar": ...}`` for llama.cpp...), and
        ``timeout_s`` / ``max_retries`` override the endpoint's parameters for this call.
        """
        timeout = overrides.pop("timeout_s", self.params.timeout_s)
        retries = overrides.pop("max_retries", self.params.max_retries)
        request = self._request(messages, overrides)
        start = time.perf_counter()
        for attempt in range(1, retries + 2):
            try:
                reply = self._send(request, timeout)
            except (openai.OpenAIError, MalformedResponse, ValueError) as err:
                # endpoint faults only: a TypeError from a bad override is the caller's bug
                retry_after = self._retry_after(err)
                message = self._describe(err, timeout)
                if retry_after is None or attempt > retries:
                    return self._failed(message, attempt, start)
                pause = self._pause(attempt, retry_after)
                log.warning("%s; retry %d/%d in %.1fs", message, attempt, retries, pause)
                time.sleep(pause)
                continue
            return self._completed(messages, reply, attempt, start)
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, messages: list[dict], overrides: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of one ``chat.completions.create`` call."""
        p = self.params
        request: dict[str, Any] = {"model": self.model, "messages": messages,
                                   "temperature": p.temperature, "max_tokens": p.max_tokens}
        if p.top_p is not None:
            request["top_p"] = p.top_p
        if p.seed is not None:
            request["seed"] = p.seed
        request.update(overrides)
        return request

    def _send(self, request: dict[str, Any], timeout: float) -> _Reply:
        """One HTTP attempt, parsed; raises on any fault."""
        response = self._client.chat.completions.create(**request, timeout=timeout)
        return _parse(response)

    def _completed(self, messages: list[dict], reply: _Reply, attempts: int, start: float) -> Completion:
        prompt, completion, source = self._tokens(messages, reply)
        return Completion(text=reply.text, prompt_tokens=prompt, completion_tokens=completion,
                          token_source=source, finish_reason=reply.finish_reason,
                          latency_s=time.perf_counter() - start, attempts=attempts)

    def _failed(self, message: str, attempts: int, start: float) -> Completion:
        error = f"endpoint {self.params.base_url} failed after {attempts} attempt(s): {message}"
        log.warning("%s", error)
        return Completion(error=error, latency_s=time.perf_counter() - start, attempts=attempts)

    def _tokens(self, messages: list[dict], reply: _Reply) -> tuple[int, int, TokenSource]:
        """Token counts from ``usage``, else from the local tokenizer, else zeros."""
        if reply.usage is not None:
            return (*reply.usage, TokenSource.USAGE)
        if self._counter is not None:
            counter = self._counter
            return counter.prompt_tokens(messages), counter.text_tokens(reply.text), TokenSource.TOKENIZER
        return 0, 0, TokenSource.NONE

    def _retry_after(self, err: Exception) -> float | None:
        """Seconds the server asked us to wait (0 if it did not say); None if not retryable."""
        if isinstance(err, openai.APIStatusError):
            if err.status_code not in RETRY_STATUS:
                return None
            header = err.response.headers.get("retry-after", "")
            return min(float(header), MAX_BACKOFF_S) if _is_number(header) else 0.0
        if isinstance(err, (openai.APIConnectionError, openai.APIResponseValidationError,
                            MalformedResponse, ValueError)):
            return 0.0  # timeouts are connection errors; JSON decode errors are ValueErrors
        return None

    def _pause(self, attempt: int, retry_after: float) -> float:
        """Exponential backoff with full jitter, never shorter than the server's Retry-After."""
        ceiling = min(self.backoff_s * 2 ** (attempt - 1), MAX_BACKOFF_S)
        return max(retry_after, random.uniform(ceiling / 2, ceiling))

    def _describe(self, err: Exception, timeout: float) -> str:
        """A one-line description of ``err`` with the API key scrubbed out."""
        if isinstance(err, openai.APIStatusError):
            detail = err.body.get("message") if isinstance(err.body, dict) else None
            text = f"HTTP {err.status_code}: {detail or err.message}"
        elif isinstance(err, openai.APITimeoutError):
            text = f"timeout after {timeout:g}s"
        else:
            text = f"{type(err).__name__}: {err}"
        return self._scrub(" ".join(text.split())[:500])

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key != NO_KEY else text


def _parse(response: Any) -> _Reply:
    """Text, finish reason and usage of a chat completion; MalformedResponse if it has none."""
    try:
        choice = response.choices[0]
        text = choice.message.content
    except (AttributeError, IndexError, TypeError, KeyError) as err:
        raise MalformedResponse(f"response has no choices[0].message ({err})") from None
    if not isinstance(text, str):
        raise MalformedResponse(f"response message content is {type(text).__name__}, not text")
    return _Reply(text=text, finish_reason=getattr(choice, "finish_reason", None), usage=_usage(response))


def _usage(response: Any) -> tuple[int, int] | None:
    """(prompt, completion) tokens from the response's usage, if it is there and whole."""
    usage = getattr(response, "usage", None)
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    if isinstance(prompt, int) and isinstance(completion, int):
        return prompt, completion
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
