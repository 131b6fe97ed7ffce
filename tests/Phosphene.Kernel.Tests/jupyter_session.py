#!/usr/bin/python3
"""Drives one Jupyter kernel through a list of requests and prints, as JSON, what it answered to each.

stdin: {"kernel": NAME, "cwd": DIR, "requests": [{"name": N, "execute": CODE} | {"name": N, "complete": CODE, "cursor": I}
        | {"name": N, "http_get": PATH}]}
stdout: {N: {"reply": <shell reply content>, "messages": [{"type": T, "content": C}, ...]}} with every iopub message
of that request (stream, display_data, update_display_data, execute_result, error) in order; for http_get, the
reply is {"status": HTTP status, "body": text} of a GET of PATH on the kernel's HTTP service (.NET Interactive's,
found in the address its first output tells the browser to probe), as the browser's JavaScript API does it.
Used by the .NET Interactive host tests: one kernel start for a whole test class.
"""
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

from jupyter_client.manager import start_new_kernel

IOPUB = {"stream", "display_data", "update_display_data", "execute_result", "error", "clear_output"}


def main():
    spec = json.load(sys.stdin)
    manager, client = start_new_kernel(kernel_name=spec["kernel"], cwd=spec.get("cwd"), stdout=subprocess.DEVNULL, stderr=sys.stderr)
    answers = {}
    http_root = None
    try:
        for request in spec["requests"]:
            if "http_get" in request:
                answers[request["name"]] = {"reply": http_get(http_root, request["http_get"]), "messages": []}
                continue
            if "execute" in request:
                msg_id = client.execute(request["execute"], allow_stdin=False)
            else:
                msg_id = client.complete(request["complete"], request.get("cursor", len(request["complete"])))
            reply = client.get_shell_msg(timeout=600)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = client.get_shell_msg(timeout=600)
            messages = []
            while True:
                message = client.get_iopub_msg(timeout=600)
                if message["parent_header"].get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "status" and message["content"]["execution_state"] == "idle":
                    break
                if kind in IOPUB:
                    messages.append({"type": kind, "content": message["content"]})
                    html = message["content"].get("data", {}).get("text/html", "")
                    probe = re.search(r'probeAddresses\(\[\\?"(http://[^"\\]+)', html)
                    if probe and http_root is None:
                        http_root = probe.group(1).rstrip("/")
            answers[request["name"]] = {"reply": reply["content"], "messages": messages}
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    json.dump(answers, sys.stdout, default=str)


def http_get(root, path):
    if root is None:
        return {"status": 0, "body": "the kernel announced no HTTP address"}
    try:
        with urllib.request.urlopen(root + path, timeout=30) as response:
            return {"status": response.status, "body": response.read().decode("utf-8")}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": error.read().decode("utf-8", "replace")}


if __name__ == "__main__":
    main()
