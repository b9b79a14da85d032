"""The instant-check service: a JupyterHub service grading a student's current notebook on demand.

Started by the hub (`python -m grucourse.hub.check_service`, service name `grucourse-check`) with
GRUCOURSE_COURSE (the course directory), GRUCOURSE_CHECK_PORT and the JUPYTERHUB_* variables the
hub sets. Students reach it at /services/grucourse-check/ through the hub's proxy and are known
only by the hub (OAuth cookie, or a hub token in the Authorization header): the body of a request
is the notebook and nothing else, so a student can check, and read the log of, only their own work.

    GET  <prefix>api/session             who you are, the xsrf token for POSTs, the assignments open to checks
    POST <prefix>api/check/<assignment>  body: the notebook's JSON; answers the student's view of the grade
    GET  <prefix>api/checks              your own earlier checks
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated  # type: ignore[import-untyped]
from jupyterhub.utils import url_path_join  # type: ignore[import-untyped]
from tornado import web
from tornado.httpserver import HTTPServer

from grucourse.course import Course
from grucourse.hub.check_limits import next_allowed
from grucourse.hub.check_log import CheckLog, checks_dir
from grucourse.hub.check_queue import FairQueue, TryAgain
from grucourse.hub.check_settings import CourseSettings
from grucourse.judge.sandbox import course_sandbox

SERVICE_NAME = "grucourse-check"
MAX_BODY = 21 * 2**20  # above the judge's own notebook limit, which names the limit to the student


class CheckState:
    """What the handlers share: the course, its settings, the log and the queue."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.settings = CourseSettings(course)
        self.log = CheckLog(course)
        self.work = checks_dir(course) / "work"
        self.work.mkdir(mode=0o700, exist_ok=True)
        settings = self.settings.current()
        timeout = settings.check_timeout or course_sandbox(course.root / "nbgrader_config.py").submission_timeout + 30
        self.queue = FairQueue(settings.workers or os.cpu_count() or 1, settings.max_pending_per_user,
                               settings.max_queue, timeout)


class ServiceHandler(HubOAuthenticated, web.RequestHandler):
    """JSON answers; the user is whoever the hub says holds the cookie or token."""

    @property
    def state(self) -> CheckState:
        state: CheckState = self.settings["check_state"]
        return state

    def user_name(self) -> str:
        model = self.current_user
        if not model or model.get("kind", "user") != "user":
            raise web.HTTPError(403)
        return str(model["name"])

    def known(self, assignment: str) -> bool:
        """An assignment of this course (its source notebook exists)."""
        return self.state.course.source_notebook(assignment).is_file()

    def answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(json.dumps(body))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.answer(status_code, {"status": "error", "message": self._reason})


class SessionHandler(ServiceHandler):
    @web.authenticated
    def get(self) -> None:
        user = self.user_name()
        settings = self.state.settings.current()
        open_ = sorted(a for a in settings.assignments if settings.policy(a).allowed and self.known(a))
        self.answer(200, {"user": user, "xsrf": self.xsrf_token.decode(), "assignments": open_})


class HistoryHandler(ServiceHandler):
    @web.authenticated
    def get(self) -> None:
        user = self.user_name()
        settings = self.state.settings.current()
        rows = []
        for row in self.state.log.history(user):
            shown = settings.policy(row.assignment).show_score
            rows.append({"assignment": row.assignment, "time": _iso(row.started), "outcome": row.outcome,
                         **({"score": row.score, "max_score": row.max_score} if shown else {})})
        self.answer(200, {"user": user, "checks": rows})


class CheckHandler(ServiceHandler):
    @web.authenticated
    async def post(self, assignment: str) -> None:
        user = self.user_name()
        state = self.state
        policy = state.settings.current().policy(assignment)
        if not self.known(assignment):
            return self.answer(404, {"status": "unknown_assignment", "message": f"no assignment {assignment!r} in this course"})
        if not policy.allowed:
            return self.answer(403, {"status": "not_allowed", "message": f"checks are not open for {assignment}"})
        retry = next_allowed(state.log, user, assignment, policy)
        if retry is not None:
            state.log.refused(user, assignment, "rate_limited")
            wait = max(1, int(retry - time.time() + 0.999))
            self.set_header("Retry-After", str(wait))
            return self.answer(429, {"status": "rate_limited", "retry_at": _iso(retry), "retry_after": wait,
                                     "message": f"you have used your checks of {assignment} for now "
                                                f"({policy.per_hour} per hour, {policy.per_day} per day); "
                                                f"the next check is allowed at {_iso(retry)}"})
        await self._check(user, assignment, policy.show_score)

    async def _check(self, user: str, assignment: str, show_score: bool) -> None:
        state = self.state
        row = state.log.start(user, assignment)
        folder = Path(tempfile.mkdtemp(dir=state.work))
        notebook = folder / f"{assignment}.ipynb"
        notebook.write_bytes(self.request.body)
        try:
            text = await state.queue.submit(user, (str(state.course.root), user, assignment, str(notebook), show_score),
                                            lambda: state.log.mark(row, "running"))
        except TryAgain as exc:
            state.log.finish(row, exc.reason)
            self.set_header("Retry-After", "5")
            return self.answer(503, {"status": "try_again", "reason": exc.reason, "message": str(exc)})
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        reply = json.loads(text)
        if reply["outcome"] != "graded":
            state.log.finish(row, "error")
            print(f"check of {assignment} for {user}: {reply.get('detail')}", file=sys.stderr, flush=True)
            return self.answer(500, {"status": "error", "message": "the course's checks could not run; "
                                                                  "your instructor has been told (service log)"})
        state.log.finish(row, "graded", reply["score"], reply["max_score"])
        self.answer(200, {"status": "graded", "result": reply["view"]})


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def make_app(state: CheckState, prefix: str) -> web.Application:
    return web.Application([
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (url_path_join(prefix, "api/session"), SessionHandler),
        (url_path_join(prefix, "api/checks"), HistoryHandler),
        (url_path_join(prefix, r"api/check/([A-Za-z0-9_]+)"), CheckHandler),
    ], check_state=state, cookie_secret=os.urandom(32))


async def serve(course: Course, port: int, prefix: str) -> None:
    """Run until SIGTERM/SIGINT, then stop the workers (checks in flight are logged 'interrupted'
    at the next start; their students' browsers see the proxy's error and are told to try again)."""
    state = CheckState(course)
    server = HTTPServer(make_app(state, prefix), max_body_size=MAX_BODY, xheaders=True)
    server.listen(port, "127.0.0.1")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"{SERVICE_NAME}: course {course.root}, {len(state.queue.all)} workers, port {port}", file=sys.stderr, flush=True)
    await stop.wait()
    server.stop()
    state.queue.stop()


def main() -> None:
    course = Course.at(os.environ["GRUCOURSE_COURSE"])
    port = int(os.environ.get("GRUCOURSE_CHECK_PORT") or os.environ["JUPYTERHUB_SERVICE_URL"].rsplit(":", 1)[1].strip("/"))
    asyncio.run(serve(course, port, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")))


if __name__ == "__main__":
    main()
