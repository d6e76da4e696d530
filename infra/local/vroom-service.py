"""VROOM as a small HTTP service of the local stack (the built-in route optimiser).

POST /solve takes a problem in VROOM's JSON input format (vehicles, jobs, shipments and
`matrices`: there is no road network here, the caller sends its own matrix) and answers VROOM's
JSON solution. Query parameters: `exploration_level` (0-5, default 5), or instead `searches`
(how many searches from different starting solutions) and `depth` (0-5, how hard each one
looks, 0 by default): VROOM's level x is 4 (x + 1) searches of depth x, which grows steeply with
long routes; `threads` (default: up to 4 cores); `timeout` (seconds, optional: the best solution
found by then). GET /health answers who we are. Bad input is a 400 with `{"code": 2, "error": "..."}`, as VROOM's own servers answer.

Run: python vroom-service.py --port 5056 (the stack runs it from .tools/venv, see services.ts).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from urllib.parse import parse_qs, urlsplit

import vroom
from vroom import _vroom
from vroom.solution.solution import Solution

SERVICE = "cocagne-vroom"
MAX_BODY_BYTES = 32 * 1024 * 1024
DEFAULT_THREADS = max(1, min(4, os.cpu_count() or 1))

# pyvroom writes a solution's JSON by swapping sys.stdout (contextlib.redirect_stdout), which is
# process-wide: two requests writing theirs at once would mix them up.
solution_json_lock = threading.Lock()


class BadRequest(Exception):
    pass


def integer_parameter(query: dict[str, list[str]], name: str, default: int | None, low: int, high: int):
    raw = query.get(name, [None])[-1]
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {raw!r}.") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {value}.")
    return value


def read_problem(body: bytes) -> dict:
    try:
        problem = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"The body is not JSON: {error}.") from None
    if not isinstance(problem, dict):
        raise BadRequest("The body must be a JSON object with vehicles, jobs and matrices.")
    if not isinstance(problem.get("vehicles"), list) or not problem["vehicles"]:
        raise BadRequest("vehicles must be a non-empty array.")
    if not problem.get("jobs") and not problem.get("shipments"):
        raise BadRequest("jobs (or shipments) must be a non-empty array.")
    matrices = problem.get("matrices")
    if not isinstance(matrices, dict) or not matrices:
        raise BadRequest(
            "matrices is required: this service has no road network, send the durations "
            "(and distances) between the problem's places."
        )
    for profile, matrix in matrices.items():
        if not isinstance(matrix, dict) or not isinstance(matrix.get("durations"), list):
            raise BadRequest(f"matrices.{profile}.durations must be a square array of seconds.")
    return problem


def solve(body: bytes, query: dict[str, list[str]]) -> dict:
    exploration_level = integer_parameter(query, "exploration_level", 5, 0, 5)
    threads = integer_parameter(query, "threads", DEFAULT_THREADS, 1, 64)
    timeout = integer_parameter(query, "timeout", None, 1, 3600)
    searches = integer_parameter(query, "searches", None, 1, 64)
    depth = integer_parameter(query, "depth", None, 0, 5)
    problem = read_problem(body)
    with_distances = any("distances" in matrix for matrix in problem["matrices"].values())
    problem_input = vroom.Input()
    problem_input._from_json(json.dumps(problem), False)
    time_limit = timedelta(seconds=timeout) if timeout else None
    if searches is None and depth is None:
        solution = problem_input.solve(exploration_level=exploration_level, nb_threads=threads, timeout=time_limit)
    else:
        # Input.solve takes only a level: the binding's other overload takes searches and depth.
        solution = Solution(
            problem_input._solve(
                nb_searches=searches or 4, depth=depth or 0, nb_threads=threads, timeout=time_limit
            )
        )
    # Input._from_json does not tell the solution that distances were given: ask for them.
    solution._distances = with_distances
    with solution_json_lock:
        return solution.to_dict()


class Handler(BaseHTTPRequestHandler):
    server_version = SERVICE
    protocol_version = "HTTP/1.1"

    def answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        if path == "/health":
            self.answer(200, {"status": "ok", "service": SERVICE, "pyvroom": version("pyvroom")})
        else:
            self.answer(404, {"code": 2, "error": f"No such page: GET {path} (try POST /solve)."})

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/solve":
            self.answer(404, {"code": 2, "error": f"No such page: POST {url.path} (try POST /solve)."})
            return
        length_header = self.headers.get("content-length")
        if length_header is None or not length_header.isdigit():
            self.answer(411, {"code": 2, "error": "A content-length is required."})
            return
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self.answer(413, {"code": 2, "error": f"The problem is over {MAX_BODY_BYTES} bytes."})
            return
        body = self.rfile.read(length)
        began = time.perf_counter()
        try:
            solution = solve(body, parse_qs(url.query))
        except BadRequest as error:
            self.answer(400, {"code": 2, "error": str(error)})
            return
        except _vroom.VroomInputException as error:
            self.answer(400, {"code": 2, "error": f"VROOM refused the problem: {error}"})
            return
        except _vroom.VroomRoutingException as error:
            self.answer(400, {"code": 3, "error": f"Routing error: {error}"})
            return
        except Exception as error:  # VroomInternalException and anything unforeseen
            self.log_error("solve failed: %r", error)
            self.answer(500, {"code": 1, "error": f"VROOM failed: {error}"})
            return
        summary = solution.get("summary", {})
        self.log_message(
            "solved: %s routes, %s unassigned, in %.0f ms",
            summary.get("routes"),
            summary.get("unassigned"),
            (time.perf_counter() - began) * 1000,
        )
        self.answer(200, solution)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")
        sys.stderr.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    server = ThreadingHTTPServer((arguments.host, arguments.port), Handler)
    server.daemon_threads = True
    sys.stderr.write(f"{SERVICE} (pyvroom {version('pyvroom')}) on http://{arguments.host}:{arguments.port}\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
