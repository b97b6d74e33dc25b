"""What the process tests of vetan serve share: the tokens file, a server started and stopped,
a JSON request, an employee's audit trail, a stream of acknowledged edits and the check that
none of them was lost. Each test keeps only what it tests."""
import hashlib, http.client, json, signal, subprocess, sys, os

DATE = "2026-11-05"


def tokens_file(folder, roles):
    """Writes `folder`/tokens: one line per token (the SHA-256 of the token, then its role),
    mode 0600 (issue 9: the server refuses a tokens file others may read). Returns its path."""
    path = os.path.join(folder, "tokens")
    with open(path, "w") as f:
        for token, role in roles.items():
            f.write(hashlib.sha256(token.encode()).hexdigest() + " " + role + "\n")
    os.chmod(path, 0o600)
    return path


def serve_args(vetan, profile, employees, data, tokens, *extra, date=DATE):
    """The command line of a server on an ephemeral loopback port."""
    return [vetan, "serve", "--profile", profile, "--employees", employees, "--data", data, "--tokens", tokens,
            "--listen", "127.0.0.1:0", "--date", date, *extra]


def launch(args, preexec_fn=None):
    """Starts a server. Returns (process, port, "") once it listens, or (process, None, stderr)
    after it exited without listening."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn)
    line = p.stdout.readline()
    if "listening on" not in line:
        p.wait()
        return p, None, line + p.stderr.read()
    return p, int(line.strip().rsplit(":", 1)[1]), ""


def start(args, name="server"):
    """As launch(), ending the test with the server's output when it does not start."""
    p, port, err = launch(args)
    if port is None:
        sys.exit(f"{name} did not start: {err}")
    return p, port


def stop(p, timeout=60):
    """SIGTERM and wait (SIGKILL after `timeout` s); nothing when the process has exited."""
    if p is None or p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def kill(p):
    """SIGKILL, as a crash would, and reap it."""
    p.send_signal(signal.SIGKILL)
    p.wait()


def request(port, method, path, body=None, token=None, timeout=30):
    """One request on a connection of its own. A dict or list body goes as JSON, bytes or str as
    they are. Returns (status, reply): the JSON reply, or its text when it is not JSON."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    raw = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
    c.request(method, path, body=raw, headers={"Authorization": "Bearer " + token} if token else {})
    r = c.getresponse()
    text = r.read()
    c.close()
    try:
        return r.status, json.loads(text or b"{}")
    except ValueError:
        return r.status, text.decode()


def trail(port, employee, token):
    """Every audit event of one employee, page by page."""
    events, after = [], 0
    while True:
        status, page = request(port, "GET", f"/v1/employees/{employee}/audit?limit=1000&after={after}", token=token)
        assert status == 200, page
        if not page["events"]:
            return events
        events += page["events"]
        after = page["events"][-1]["seq"]


def edit_stream(port, token, employees, acked, lock, stop_event, failures, unavailable_ok=False, pause=0.0,
                timeout=30):
    """PATCHes lwp_days of `employees` in turn until `stop_event` is set, appending each
    acknowledged change to `acked` as (employee, audit_seq, value as text). Returns when the
    server dies mid-request (that change was not acknowledged). A reply other than 200 is a
    failure, except a 503 when `unavailable_ok` (the store lost: not acknowledged, and said so;
    the stream then reconnects and goes on)."""
    def connect():
        return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c, n = connect(), 0
    while not stop_event.is_set():
        n += 1
        employee, value = employees[n % len(employees)], n % 31
        try:
            c.request("PATCH", "/v1/employees/" + employee, body=json.dumps({"lwp_days": value}),
                      headers={"Authorization": "Bearer " + token})
            r = c.getresponse()
            reply = json.loads(r.read())
        except Exception:
            if not unavailable_ok:
                return
            c = connect()
            continue
        if r.status == 200:
            with lock:
                acked.append((employee, reply["audit_seq"], str(value)))
        elif not (unavailable_ok and r.status == 503):
            failures.append(f"unexpected reply {r.status} {reply}")
            return
        if pause:
            stop_event.wait(pause)


def lost_edits(port, token, employees, acked):
    """The acknowledged edits (from edit_stream) that the server does not have, and any employee
    whose state differs from its trail's last value, as lines to report."""
    problems = []
    for employee in employees:
        by_seq = {e["seq"]: e["after"]["fields"]["lwp_days"] for e in trail(port, employee, token)}
        for emp, seq, value in acked:
            if emp == employee and by_seq.get(seq) != value:
                problems.append(f"lost: {employee} seq {seq} lwp_days={value}")
        status, record = request(port, "GET", "/v1/employees/" + employee, token=token)
        if status != 200:
            problems.append(f"{employee}: {status} {record}")
        elif by_seq and str(record["fields"]["lwp_days"]) != by_seq[max(by_seq)]:  # typed in the record, text in the trail
            problems.append(f"state differs from the trail: {employee} {record['fields']['lwp_days']} != "
                            f"{by_seq[max(by_seq)]}")
    return problems
