"""Answering Slack the moment a listener acks, while the listener goes on working.

Slack wants an answer within 3 seconds; our listeners ack first, then post to the person's DM.
Bolt supports that with `process_before_response=False`: it starts the listener on a thread
and then *polls* for the ack every 10 ms, so every acknowledgement costs at least 10 ms
(measured: bench/slack_ack_latency.py) and, under load, a further 10 ms sleep whenever the
poll just misses. `AckFirstApp` runs Bolt with `process_before_response=True` and registers
each listener wrapped by `AckFirst`, which starts the listener on the pool and wakes the
request's thread the moment `ack()` is called (a threading.Event, not a poll). What a listener
does, what it is given and the order of Bolt's middleware are unchanged.

Event listeners are acknowledged by Bolt itself (auto-ack): their wrapper returns at once.

Work that must not hold up the answer but must come before the listener's own effects (the
check that a delivery is not a repeat: bot/slack/idempotency.py) is set in AFTER_ACK by a
middleware: it runs on the listener's thread right after `ack()` (before an event listener
starts), and when it says no, the listener stops there.

With work processes (LIF_WORK_PROCESSES, bot/slack/work_processes.py) the work after the ack
leaves this process: for a command, a click or an event, the listener runs on the request's
thread only up to its `ack()`, Slack gets that answer, and the request itself is handed to a
work process, whose app replays it (`replaying=True`): there `ack()` answers nobody, runs the
AFTER_ACK check and lets the listener carry on. So what comes before `ack()` must have no
effects (it runs twice) and must not wait on the database or the network: the server runs
such requests on its event loop (`AckFirstApp.acks_at_once`), where a wait would hold up every
other request. Forms, which ack after saving, always run here, on a worker thread.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher

logger = logging.getLogger(__name__)

ACK_WAIT_SECONDS = 3.0  # Slack's own deadline: past it, the answer is useless anyway

Listener = Callable[..., BoltResponse | None]
Gate = Callable[[], bool]  # True: go on with the listener's work
Handoff = Callable[[BoltRequest], None]  # gives an acked request's work to a work process

# Requests whose work may leave the acking process: they ack before any effect.
HANDED_OFF_TYPES = frozenset({"command", "block_actions", "event_callback"})

# Set by a middleware for the request it is passing on; read on the listener's thread.
AFTER_ACK: contextvars.ContextVar[Gate | None] = contextvars.ContextVar(
    "lif_after_ack", default=None
)


# The request being dispatched, for the listener wrappers (Bolt passes them only what the
# listener's own parameters ask for).
CURRENT_REQUEST: contextvars.ContextVar[BoltRequest | None] = contextvars.ContextVar(
    "lif_current_request", default=None
)


class _HandedOff(BaseException):  # noqa: N818 (not an error: the rest runs elsewhere)
    """Raised from `ack()` in the acking process: the listener stops; a work process goes on."""


class AlreadyHandled(BaseException):  # noqa: N818 (not an error: a listener's early stop)
    """Raised from `ack()` when the gate says no: the listener stops, silently.

    A BaseException so that a listener's own `except Exception` cannot swallow it.
    """


class _Run:
    """One listener call: its ack wakes the request's thread, then it waits for a work slot
    and the gate before carrying on."""

    def __init__(self, slots: threading.Semaphore, gate: Gate | None, *, acks: bool) -> None:
        self.acks = acks  # False: Bolt acks for it (an event listener)
        self.woken = threading.Event()  # the request's thread may answer Slack
        self.acked = False
        self.slots = slots
        self.gate = gate
        self.holding_slot = False

    def ack_with(self, ack: Ack) -> Callable[..., BoltResponse]:
        """Bolt's `ack`, which also wakes the request's thread, then lets the work begin."""

        def signalling_ack(*args: Any, **kwargs: Any) -> BoltResponse:
            try:
                response = ack(*args, **kwargs)
            finally:
                self.acked = True
                self.woken.set()  # Slack gets its answer now, whatever comes next
            self.begin_work()
            return response

        return signalling_ack

    def begin_work(self) -> None:
        """Wait for a work slot, then ask the gate; AlreadyHandled if it says no."""
        if self.holding_slot:  # acked twice: once is enough
            return
        self.slots.acquire()
        self.holding_slot = True
        if self.gate is not None and not self.gate():
            raise AlreadyHandled

    def end(self) -> None:
        if self.holding_slot:
            self.slots.release()
            self.holding_slot = False
        self.woken.set()  # a listener that returns without acking must not hold the request


class AckFirst:
    """Wraps listeners so they run on `executor` and the request returns once they ack.

    The executor should have more threads than `work_slots`: a listener's work after its ack
    waits for one of `work_slots`, so the part before the ack always finds a thread even when
    every slot is busy with earlier requests (else acks would queue behind that work).
    """

    def __init__(
        self,
        executor: Executor,
        work_slots: int,
        wait_seconds: float = ACK_WAIT_SECONDS,
        *,
        handoff: Handoff | None = None,
        replaying: bool = False,
    ) -> None:
        self.executor = executor
        self.slots = threading.BoundedSemaphore(work_slots)
        self.wait_seconds = wait_seconds
        self.handoff = handoff
        self.replaying = replaying

    def wrap(self, listener: Listener, *, auto_ack: bool) -> Listener:
        """The listener as Bolt should call it; Bolt still reads its parameters (via wraps)."""
        acks_itself = not auto_ack
        if self.replaying:
            return _replayed(listener, acks_itself=acks_itself)

        @functools.wraps(listener)
        def acked_first(**kwargs: Any) -> BoltResponse | None:
            request = CURRENT_REQUEST.get()
            if self.handoff is not None and request is not None and hands_off(request):
                self._ack_and_hand_off(listener, kwargs, request, acks_itself=acks_itself)
                return None
            run = _Run(self.slots, AFTER_ACK.get(), acks=acks_itself and "ack" in kwargs)
            if run.acks:
                kwargs["ack"] = run.ack_with(kwargs["ack"])
            # In a copy of the request's context: its log lines keep the request id.
            context = contextvars.copy_context()
            running = self.executor.submit(context.run, self._run, listener, kwargs, run)
            if not run.acks:  # Bolt acks auto-ack listeners (events) once this returns
                return None
            run.woken.wait(self.wait_seconds)
            if not run.acked:  # it finished (or failed) without acking, or it is late
                try:
                    running.result(timeout=0.5)  # a failure goes to Bolt: 500, and logged
                except TimeoutError:
                    logger.warning("a Slack listener did not acknowledge within 3 s")
            return None

        return acked_first

    def _ack_and_hand_off(
        self,
        listener: Listener,
        kwargs: dict[str, Any],
        request: BoltRequest,
        *,
        acks_itself: bool,
    ) -> None:
        """Run the listener here up to its ack (on the request's thread), then hand it off."""
        assert self.handoff is not None
        if acks_itself and "ack" in kwargs:
            ack: Ack = kwargs["ack"]

            def ack_then_stop(*args: Any, **ack_kwargs: Any) -> BoltResponse:
                ack(*args, **ack_kwargs)
                raise _HandedOff

            try:
                listener(**(kwargs | {"ack": ack_then_stop}))
            except _HandedOff:
                pass
            else:
                return  # it returned without acking: it had nothing to do
        self.handoff(request)  # Bolt acks an event listener once this returns

    @staticmethod
    def _run(listener: Listener, kwargs: dict[str, Any], run: _Run) -> None:
        """Run the listener; a failure after its ack is logged here, as nobody waits for it."""
        try:
            if not run.acks:
                run.begin_work()  # acked by Bolt (an event): slot and gate come first
            listener(**kwargs)
        except AlreadyHandled:
            return
        except Exception:
            if run.acks and not run.acked:
                raise  # failed before acking: the request's thread re-raises it for Bolt
            logger.exception("a Slack listener failed after acknowledging")
        finally:
            run.end()


def hands_off(request: BoltRequest) -> bool:
    """Whether this request's work may go to a work process (an HTTP command, click or event)."""
    if request.mode != "http" or not isinstance(request.body, dict):
        return False
    body = request.body
    kind = "command" if "command" in body and "type" not in body else body.get("type")
    return kind in HANDED_OFF_TYPES


def _replayed(listener: Listener, *, acks_itself: bool) -> Listener:
    """The listener in a work process: it runs here, its `ack()` only asks AFTER_ACK's gate."""

    @functools.wraps(listener)
    def replayed(**kwargs: Any) -> BoltResponse | None:
        gate = AFTER_ACK.get()

        def go_on() -> None:
            if gate is not None and not gate():
                raise AlreadyHandled

        try:
            if acks_itself and "ack" in kwargs:
                ack: Ack = kwargs["ack"]

                def check_then_go_on(*args: Any, **ack_kwargs: Any) -> BoltResponse:
                    response = ack(*args, **ack_kwargs)  # for Bolt: Slack was answered already
                    go_on()
                    return response

                kwargs["ack"] = check_then_go_on
            else:
                go_on()
            listener(**kwargs)
        except AlreadyHandled:
            pass
        return None

    return replayed


class AckFirstApp(App):
    """A Bolt App whose listeners answer Slack as soon as they ack (see the module's doc).

    With `handoff`, commands, clicks and events are acked here and their work handed off;
    with `replaying`, the app is a work process's, replaying requests acked elsewhere.
    """

    def __init__(
        self,
        *,
        listener_executor: Executor,
        work_slots: int,
        handoff: Handoff | None = None,
        replaying: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            process_before_response=True,  # Bolt calls the wrapper inline: no 10 ms poll
            listener_executor=listener_executor,
            **kwargs,
        )
        self.ack_first = AckFirst(
            listener_executor, work_slots, handoff=handoff, replaying=replaying
        )
        # Authorizing waits on nothing with a bot token checked at start-up (auth.test); it
        # reads the database for OAuth installs, and a custom authorize could do anything.
        self._authorizes_at_once = (
            kwargs.get("token_verification_enabled", True)
            and kwargs.get("authorize") is None
            and kwargs.get("installation_store") is None
            and self.oauth_flow is None
        )

    def acks_at_once(self, req: BoltRequest) -> bool:
        """Whether dispatching `req` waits on nothing: a command, click or event that this app
        checks, acks and hands to a work process (the part of a listener before its `ack()`
        must not wait either; see the module's doc). The server then dispatches it on its event
        loop, without a hop to a worker thread and back (a quarter of the CPU per ack)."""
        return self.ack_first.handoff is not None and self._authorizes_at_once and hands_off(req)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Bolt's dispatch in a context of its own: what its middleware sets in context
        variables (AFTER_ACK) reaches its listeners, and no later request on this thread."""
        return contextvars.copy_context().run(self._dispatch_in_context, req)

    def _dispatch_in_context(self, req: BoltRequest) -> BoltResponse:
        CURRENT_REQUEST.set(req)
        return super().dispatch(req)

    def _register_listener(  # type: ignore[override]
        self,
        functions: Sequence[Listener],
        primary_matcher: Any,
        matchers: Any,
        middleware: Any,
        auto_acknowledgement: bool = False,
        ack_timeout: int = 3,
    ) -> Listener | None:
        """Bolt's one registration hook for every kind of listener; lazy ones stay as given."""
        first, *lazy = list(functions)
        wrapped = self.ack_first.wrap(first, auto_ack=auto_acknowledgement)
        super()._register_listener(
            [wrapped, *lazy],
            BodyMatcher.for_(primary_matcher),
            matchers,
            middleware,
            auto_acknowledgement,
            ack_timeout,
        )
        return first  # what a decorator registration gives back: the function itself


class BodyMatcher(ListenerMatcher):
    """Bolt's built-in matcher (command name, action id, event type...), given only the body.

    Bolt asks every listener in turn whether a request is its own, and its built-in matcher
    builds the whole set of listener arguments (context, client, say, respond...) on each
    question, to pass the one it needs: the body. With our few dozen listeners that was more
    than half of a command's dispatch (measured in process: 0.95 ms of CPU, 0.4 ms without; a
    third of the serving process's CPU per ack). The answer is the same: Bolt's own function
    decides, on the same body.
    """

    def __init__(self, func: Callable[..., object]) -> None:
        self.func = func  # synchronous: this is the App's (not AsyncApp's) registration

    @classmethod
    def for_(cls, matcher: Any) -> Any:
        """This matcher in place of Bolt's built-in one when that one reads only the body."""
        if isinstance(matcher, BuiltinListenerMatcher) and matcher.arg_names == ["body"]:
            return cls(matcher.func)
        return matcher

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(body=req.body))
