"""Server fixtures for tests: one real local model server per session, scripted servers per test.

Import the fixtures from ``conftest.py``::

    from tests.servers import local_server, local_endpoint, scripted_server  # noqa: F401

``local_server`` starts the embedded Qwen2.5-Coder-0.5B on llama.cpp once per session (the
model comes from the installed part wheels, never the network) and skips, saying why, only when
llama-cpp-python or the part wheels are not installed. ``scripted_server`` is a factory:
``scripted_server(responder)`` or ``scripted_server(["reply 1", Reply.error(500), ...])``
returns a running ``ScriptedServer`` that is stopped at the end of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from hdbench.endpoint import (
    ENGINES,
    Endpoint,
    LocalModelError,
    LocalServer,
    Reply,
    Responder,
    ScriptedServer,
    ensure_local_model,
    scripted,
)
from hdbench.schema import EndpointParams


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """The embedded model on a real llama.cpp server, started once per test session."""
    if not ENGINES["llama.cpp"].available():
        pytest.skip("llama-cpp-python[server] is not installed: pip install 'hdbench[llama]'")
    try:
        ensure_local_model()
    except LocalModelError as err:
        pytest.skip(f"embedded model unavailable: {err}")
    with LocalServer(engine="llama.cpp", ctx=4096) as server:
        yield server


@pytest.fixture
def local_endpoint(local_server: LocalServer) -> Endpoint:
    """A greedy, seeded client for the session's local server."""
    params = EndpointParams(base_url=local_server.base_url, engine="llama.cpp", temperature=0.0,
                            seed=0, max_tokens=64, timeout_s=120, max_retries=1)
    return Endpoint(params, model=local_server.model_name)


ScriptedFactory = Callable[..., ScriptedServer]


@pytest.fixture
def scripted_server() -> Iterator[ScriptedFactory]:
    """A factory of running scripted servers, all stopped when the test ends."""
    started: list[ScriptedServer] = []

    def make(responder: Responder | Sequence[Reply | str], model: str = "scripted") -> ScriptedServer:
        if not callable(responder):
            responder = scripted(list(responder))
        server = ScriptedServer(responder, model=model).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def scripted_endpoint(server: ScriptedServer, **params: object) -> Endpoint:
    """A fast-failing client for a scripted server (short timeout, tiny backoff)."""
    base = {"base_url": server.base_url, "timeout_s": 2.0, "max_retries": 2} | params
    return Endpoint(EndpointParams(**base), model=server.model, backoff_s=0.01)
