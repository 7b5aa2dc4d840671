#!/usr/bin/env python3
"""Cluster mode beside kubectl: the same commands against the same HTTPS API server (the tests' double, which
speaks the Kubernetes wire format), timed side by side in one run.

    scripts/bench-cluster.py --routes 1000 --runs 7 [--gwconsole .build/release/gwconsole] [--kubectl kubectl]

describe and doctor start gwconsole's cache keeper for the context (its watches keep the cache current between
commands); after the warm-up run the bench waits until the keeper watches, as a user's second command would find
it, and stops it at the end (`gwconsole down`).

The API server holds N HTTPRoutes over up to 10 namespaces with a Service and an EndpointSlice each. Both tools
keep their caches between runs (kubectl's discovery cache, gwconsole's per-context cache), as a user's would; the
first run of each command is a warm-up and not counted. Prints median and min per command and tool, and the ratio.
"""
import argparse
import json
import ssl
import urllib.request
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, "Tests/KubeClientTests/Fixtures/fake-apiserver.py")


def certificates(directory):
    def run(*args):
        subprocess.run(args, check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=bench-ca", "-keyout", f"{directory}/ca.key", "-out", f"{directory}/ca.crt",
        "-addext", "basicConstraints=critical,CA:TRUE")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
        "-keyout", f"{directory}/server.key", "-out", f"{directory}/server.csr")
    with open(f"{directory}/san.ext", "w") as ext:
        ext.write("subjectAltName=DNS:localhost\n")
    run("openssl", "x509", "-req", "-in", f"{directory}/server.csr", "-CA", f"{directory}/ca.crt", "-CAkey", f"{directory}/ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", f"{directory}/san.ext", "-out", f"{directory}/server.crt")


def objects(routes):
    namespaces = [f"bench-{i}" for i in range(min(10, max(1, routes // 100)))]
    items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in namespaces + ["bench-gw"]]
    items.append({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "nginx"},
                  "spec": {"controllerName": "gateway.nginx.org/nginx-gateway-controller"}})
    items.append({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "bench", "namespace": "bench-gw"},
                  "spec": {"gatewayClassName": "nginx", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP",
                                                                        "allowedRoutes": {"namespaces": {"from": "All"}}}]}})
    for i in range(routes):
        ns = namespaces[i % len(namespaces)]
        items.append({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": f"route-{i}", "namespace": ns},
                      "spec": {"parentRefs": [{"name": "bench", "namespace": "bench-gw"}], "hostnames": [f"host-{i // 10}.example.com"],
                               "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": f"/p{i % 10}"}}],
                                          "backendRefs": [{"name": f"svc-{i}", "port": 80}]}]}})
        items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"svc-{i}", "namespace": ns},
                      "spec": {"ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
        items.append({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                      "metadata": {"name": f"svc-{i}-1", "namespace": ns, "labels": {"kubernetes.io/service-name": f"svc-{i}"}},
                      "addressType": "IPv4", "ports": [{"name": "http", "port": 8080}],
                      "endpoints": [{"addresses": ["127.0.0.1"], "conditions": {"ready": True}}]})
    return items, namespaces


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--routes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--gwconsole", default=os.path.join(ROOT, ".build/release/gwconsole"))
    parser.add_argument("--kubectl", default=shutil.which("kubectl") or "kubectl")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="gwconsole-bench-cluster-")
    server = None
    try:
        certificates(directory)
        items, namespaces = objects(args.routes)
        with open(f"{directory}/objects.json", "w") as out:
            json.dump(items, out)
        server = subprocess.Popen([sys.executable, SERVER, "--port", "0", "--bind", "127.0.0.1", "--cert", f"{directory}/server.crt",
                                   "--key", f"{directory}/server.key", "--client-ca", f"{directory}/ca.crt",
                                   "--objects", f"{directory}/objects.json", "--token", "admin-token=admin", "--exit-on-stdin-eof"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = server.stdout.readline()
        if not line.startswith("LISTENING "):
            sys.exit(f"bench-cluster: the API server did not start: {line!r}")
        port = int(line.split()[1])
        kubeconfig = f"{directory}/kubeconfig"
        with open(kubeconfig, "w") as out:
            out.write(f"""apiVersion: v1
kind: Config
current-context: bench
clusters:
- name: bench
  cluster: {{server: "https://localhost:{port}", certificate-authority: {directory}/ca.crt}}
users:
- name: admin
  user: {{token: admin-token}}
contexts:
- name: bench
  context: {{cluster: bench, user: admin}}
""")
        ns = namespaces[4 % len(namespaces)]
        commands = [
            ("get httproute NAME", ["-n", ns, "get", "httproute", "route-4"]),
            ("get httproutes -A", ["get", "httproutes", "-A"]),
            ("describe httproute NAME", ["-n", ns, "describe", "httproute", "route-4"]),
        ]
        tools = {
            "gwconsole": [args.gwconsole, "--state", f"{directory}/state", "--kubeconfig", kubeconfig],
            "kubectl": [args.kubectl, "--kubeconfig", kubeconfig, "--cache-dir", f"{directory}/kube-cache"],
        }
        print(f"{args.routes} HTTPRoutes (+ a Service and an EndpointSlice each) on the API double; {args.runs} runs after a warm-up")
        print(f"{'command':<26} {'gwconsole median':>17} {'kubectl median':>15} {'ratio':>6}")
        context = ssl.create_default_context(cafile=f"{directory}/ca.crt")

        def watching():
            with urllib.request.urlopen(f"https://localhost:{port}/_test/watches", context=context) as answer:
                return "endpointslices" in answer.read().decode()

        for name, command in commands:
            samples = {tool: [] for tool in tools}
            for run in range(args.runs + 1):
                for tool, prefix in tools.items():
                    start = time.perf_counter()
                    result = subprocess.run(prefix + command, capture_output=True, text=True)
                    elapsed = (time.perf_counter() - start) * 1000
                    if result.returncode != 0:
                        sys.exit(f"bench-cluster: {tool} {' '.join(command)} failed: {result.stderr.strip()[:400]}")
                    if run > 0:
                        samples[tool].append(elapsed)
                if run == 0 and command[-2:] == ["httproute", "route-4"] and "describe" in command:
                    deadline = time.time() + 60
                    while time.time() < deadline and not watching():
                        time.sleep(0.05)
            ours, theirs = statistics.median(samples["gwconsole"]), statistics.median(samples["kubectl"])
            print(f"{name:<26} {ours:>14.1f} ms {theirs:>12.1f} ms {ours / theirs:>6.2f}")
        subprocess.run(tools["gwconsole"] + ["down"], capture_output=True)
    finally:
        if server:
            server.kill()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
