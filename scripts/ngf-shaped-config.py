#!/usr/bin/env python3
"""The nginx config NGF renders for gwconsole's synthetic bench cluster, to time `nginx -t` on it beside gwconsole's.

Not part of the product: a yardstick for docs/performance.md. It writes, for the cluster `gwconsole bench` builds
(N HTTPRoutes over N/10 hostnames, 10 PathPrefix paths each, every rule to its own Service, a BackendTLSPolicy on a
share of them with one CA ConfigMap per namespace), the shape of NGF's templates
(internal/controller/nginx/config/{servers,upstreams}_template.go):

- an upstream per Service port named ns_name_port, with `random two least_conn`, a 512k `zone` and `keepalive 16`;
- per PathPrefix rule two locations, `location /p/` and `location = /p`, each with its own proxy_set_header lines,
  `proxy_pass http(s)://UPSTREAM$request_uri` and, for a backend with a BackendTLSPolicy, its own proxy_ssl_* lines
  with the CA bundle file of the policy's ConfigMap.

NGF's njs matching, policies and its http-level includes are left out: the bench's rules use none of them.

Usage: scripts/ngf-shaped-config.py --routes 10000 [--tls-share 0.5] [--dir DIR] [--runs 3]
Writes DIR/nginx.conf (and the CA bundles), runs `nginx -t` --runs times and prints the median in seconds.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time


def namespaces(routes):
    return [f"bench-{i}" for i in range(min(10, max(1, routes // 100)))]


def ca_pem(directory):
    key, cert = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.crt")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-subj", "/CN=bench-ca", "-days", "30"],
        check=True, capture_output=True)
    with open(cert) as f:
        return f.read()


def render(routes, tls_share, directory):
    spaces = namespaces(routes)
    pem = ca_pem(directory)
    secrets = os.path.join(directory, "secrets")
    os.makedirs(secrets, exist_ok=True)
    for ns in spaces:
        with open(os.path.join(secrets, f"{ns}_bench-ca.crt"), "w") as f:
            f.write(pem)
    tls_every = max(1, round(1 / tls_share)) if tls_share > 0 else None
    upstreams, servers = [], {}
    for i in range(routes):
        ns = spaces[i % len(spaces)]
        name = f"{ns}_svc-{i}_80"
        upstreams.append(
            f"upstream {name} {{\n    random two least_conn;\n    zone {name} 512k;\n"
            f"    server 127.0.0.1:8080;\n    keepalive 16;\n}}\n")
        tls = tls_every is not None and i % tls_every == 0
        body = [
            'proxy_set_header Host "$gw_api_compliant_host";',
            'proxy_set_header X-Forwarded-For "$proxy_add_x_forwarded_for";',
            'proxy_set_header X-Real-IP "$remote_addr";',
            'proxy_set_header X-Forwarded-Proto "$scheme";',
            'proxy_set_header X-Forwarded-Host "$host";',
            'proxy_set_header X-Forwarded-Port "$server_port";',
            'proxy_set_header Upgrade "$http_upgrade";',
            'proxy_set_header Connection "$connection_upgrade";',
            "proxy_http_version 1.1;",
            f"proxy_pass {'https' if tls else 'http'}://{name}$request_uri;",
        ]
        if tls:
            body += [
                "proxy_ssl_server_name on;", "proxy_ssl_verify on;", "proxy_ssl_verify_depth 4;",
                f"proxy_ssl_name svc-{i}.example.com;",
                f"proxy_ssl_trusted_certificate {secrets}/{ns}_bench-ca.crt;",
            ]
        text = "".join(f"        {line}\n" for line in body)
        path = f"/p{i % 10}"
        host = f"host-{i // 10}.example.com"
        servers.setdefault(host, []).append(
            f"    location {path}/ {{\n{text}    }}\n    location = {path} {{\n{text}    }}\n")
    server_text = "".join(
        f"server {{\n    listen 127.0.0.1:8080;\n    server_name {host};\n{''.join(locations)}"
        f"    location / {{\n        return 404;\n    }}\n}}\n"
        for host, locations in servers.items())
    run = os.path.join(directory, "run")
    os.makedirs(os.path.join(run, "logs"), exist_ok=True)
    main = f"""worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/logs/error.log notice;
events {{
    worker_connections 1024;
}}
http {{
    server_names_hash_bucket_size 256;
    variables_hash_bucket_size 512;
    map $http_host $gw_api_compliant_host {{
        '' $host;
        default $http_host;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        '' close;
    }}
    server {{
        listen 127.0.0.1:8080 default_server;
        default_type text/html;
        return 404;
    }}
{"".join(upstreams)}{server_text}}}
"""
    with open(os.path.join(directory, "nginx.conf"), "w") as f:
        f.write(main)
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", type=int, required=True)
    parser.add_argument("--tls-share", type=float, default=0.5)
    parser.add_argument("--dir")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    directory = os.path.abspath(args.dir or tempfile.mkdtemp(prefix="gwconsole-ngf-shape-"))
    os.makedirs(directory, exist_ok=True)
    run = render(args.routes, args.tls_share, directory)
    times = []
    for _ in range(args.runs):
        start = time.monotonic()
        result = subprocess.run(
            ["nginx", "-t", "-q", "-p", run + "/", "-e", run + "/logs/error.log",
             "-c", os.path.join(directory, "nginx.conf")],
            capture_output=True, text=True)
        times.append(time.monotonic() - start)
        if result.returncode != 0:
            raise SystemExit(f"nginx -t refused {directory}/nginx.conf: {result.stderr.strip()}")
    print(f"routes {args.routes}: NGF-shaped nginx -t median {statistics.median(times):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in times)}); config in {directory}")


if __name__ == "__main__":
    main()
