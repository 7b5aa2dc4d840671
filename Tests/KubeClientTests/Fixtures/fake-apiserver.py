#!/usr/bin/env python3
"""A test double of the Kubernetes API server (Python 3 standard library only).

It speaks the kube-apiserver JSON wire format over HTTPS for the few resources gwconsole uses: discovery,
get, list (limit/continue), watch (chunked JSON lines, bookmarks, 410 Expired), server-side apply, merge
patch, create, update, status updates and delete, with bearer-token and client-certificate authentication
and per-user RBAC denials. Test hooks live under /_test/ (no authentication).

Usage:
  fake-apiserver.py --cert server.crt --key server.key [--port 0] [--bind 127.0.0.1]
                    [--client-ca ca.crt] [--token TOKEN=USER]... [--forbid USER:VERB:RESOURCE]...
                    [--objects objects.json] [--btls-version v1|v1alpha3] [--no-gateway-api]
                    [--bookmark-interval 1.0] [--no-default-namespaces] [--status-404] [--exit-on-stdin-eof]

After listening it prints exactly "LISTENING <port>" on stdout; nothing else goes to stdout.

Control endpoints (no authentication, never recorded in /_test/requests):
  GET    /_test/objects                         every stored object (a JSON list)
  POST   /_test/objects                         an object, a list of objects or a List: create or replace
                                                 (ADDED / MODIFIED; status is kept as given)
  DELETE /_test/objects/<group|core>/<resource>/<namespace>/<name>   (cluster-scoped: .../<resource>/<name>)
  POST   /_test/compact                         forget the change log up to the current resourceVersion
  POST   /_test/fail   {"status": 503, "count": 2, "path_prefix": "/apis", "method": "GET",
                        "message": "...", "retry_after": 1, "plain": false, "delay_seconds": 0, "close": false}
  DELETE /_test/fail                            drop every pending failure
  GET    /_test/requests                        the API requests seen: method, path, query, params, user,
                                                 user_agent, accept, content_type, status
  DELETE /_test/requests                        forget them
  GET    /_test/watches                         the open watches (resource, namespace, user, since)
  GET    /_test/state                           {"resourceVersion", "compactedRevision", "objects", "watches"}
  POST   /_test/logs/<namespace>/<pod>          {"lines": [...]}: append to the pod's log (followers get them)
"""

import argparse
import base64
import copy
import datetime
import json
import os
import random
import re
import select
import signal
import socket
import socketserver
import ssl
import string
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY_GROUP = "gateway.networking.k8s.io"
CRUD_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
TRUE_VALUES = ("1", "t", "T", "true", "TRUE", "True")
FIELD_SELECTABLE = ("metadata.name", "metadata.namespace")
METADATA_ORDER = ("name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
                  "finalizers", "managedFields")


def log_error(message):
    sys.stderr.write("fake-apiserver: %s\n" % message)
    sys.stderr.flush()


def now_timestamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(value):
    return json.dumps(value, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------------------------------
# Resource types


class ResourceType:
    def __init__(self, group, version, resource, kind, namespaced, short_names=(), categories=(), status=False):
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.short_names = list(short_names)
        self.categories = list(categories)
        self.has_status = status

    @property
    def group_version(self):
        return self.group + "/" + self.version if self.group else self.version

    @property
    def qualified(self):
        """The GroupResource as the API server prints it: `gateways.gateway.networking.k8s.io`, `secrets`."""
        return self.resource + "." + self.group if self.group else self.resource

    @property
    def singular(self):
        return self.kind.lower()

    @property
    def key(self):
        """Storage is shared by every version of a resource (v1 and v1beta1 Gateways are the same objects)."""
        return (self.group, self.resource)


class Registry:
    def __init__(self, gateway_api=True, btls_version="v1"):
        T = ResourceType
        types = [
            T("", "v1", "namespaces", "Namespace", False, ["ns"], [], status=True),
            T("", "v1", "services", "Service", True, ["svc"], ["all"], status=True),
            T("", "v1", "configmaps", "ConfigMap", True, ["cm"]),
            T("", "v1", "secrets", "Secret", True),
            T("", "v1", "pods", "Pod", True, ["po"], ["all"], status=True),
            T("apps", "v1", "deployments", "Deployment", True, ["deploy"], ["all"], status=True),
            T("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True),
        ]
        if gateway_api:
            for version in ("v1", "v1beta1"):
                types += [
                    T(GATEWAY_GROUP, version, "gatewayclasses", "GatewayClass", False, ["gc"], ["gateway-api"], status=True),
                    T(GATEWAY_GROUP, version, "gateways", "Gateway", True, ["gtw"], ["gateway-api"], status=True),
                    T(GATEWAY_GROUP, version, "httproutes", "HTTPRoute", True, [], ["gateway-api"], status=True),
                ]
            # ListenerSet, GRPCRoute and the layer-4 route kinds: v1 in the standard channel.
            types.append(T(GATEWAY_GROUP, "v1", "listenersets", "ListenerSet", True, ["lset"], ["gateway-api"],
                           status=True))
            for resource, kind in (("grpcroutes", "GRPCRoute"), ("tlsroutes", "TLSRoute"), ("tcproutes", "TCPRoute"),
                                   ("udproutes", "UDPRoute")):
                types.append(T(GATEWAY_GROUP, "v1", resource, kind, True, [], ["gateway-api"], status=True))
            types.append(T(GATEWAY_GROUP, "v1beta1", "referencegrants", "ReferenceGrant", True, ["refgrant"],
                           ["gateway-api"]))
            types.append(T(GATEWAY_GROUP, btls_version, "backendtlspolicies", "BackendTLSPolicy", True, ["btlspolicy"],
                           ["gateway-api"], status=True))
            # NGINX Gateway Fabric's CRDs, as its install serves them.
            for version, resource, kind, short in (
                    ("v1alpha1", "clientsettingspolicies", "ClientSettingsPolicy", ["cspolicy"]),
                    ("v1alpha1", "proxysettingspolicies", "ProxySettingsPolicy", ["pspolicy"]),
                    ("v1alpha1", "upstreamsettingspolicies", "UpstreamSettingsPolicy", ["uspolicy"]),
                    ("v1alpha1", "ratelimitpolicies", "RateLimitPolicy", ["rlpolicy"]),
                    ("v1alpha2", "observabilitypolicies", "ObservabilityPolicy", []),
                    ("v1alpha1", "snippetspolicies", "SnippetsPolicy", ["snippetspolicy"]),
                    ("v1alpha1", "wafpolicies", "WAFPolicy", []),
                    ("v1alpha1", "snippetsfilters", "SnippetsFilter", ["snippetsfilter"]),
                    ("v1alpha1", "authenticationfilters", "AuthenticationFilter", ["authfilter"]),
                    ("v1alpha2", "nginxproxies", "NginxProxy", [])):
                types.append(T("gateway.nginx.org", version, resource, kind, True, short, ["nginx-gateway-fabric"],
                               status=kind != "NginxProxy"))
        self.types = types
        self.by_gvr = {(t.group, t.version, t.resource): t for t in types}
        self.by_gvk = {(t.group, t.version, t.kind): t for t in types}
        # Group -> versions, preferred first.
        order = {"v1": 0, "v1beta1": 1, "v1alpha3": 2, "v1alpha2": 3}
        self.groups = {}
        for t in types:
            versions = self.groups.setdefault(t.group, [])
            if t.version not in versions:
                versions.append(t.version)
        for versions in self.groups.values():
            versions.sort(key=lambda v: order.get(v, 9))

    def for_object(self, obj):
        """The type of an object from its apiVersion and kind, or None."""
        api_version = obj.get("apiVersion") or ""
        group, _, version = api_version.rpartition("/")
        return self.by_gvk.get((group, version, obj.get("kind")))

    def served_kinds(self):
        return ", ".join(sorted("%s %s" % (t.kind, t.group_version) for t in self.types))


# ---------------------------------------------------------------------------------------------------------------------
# Errors (Status objects)


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, headers=None, plain=False):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}
        self.plain = plain  # send the message as text/plain instead of a Status (what some real paths do)

    def status(self):
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": self.message}
        if self.reason:
            body["reason"] = self.reason
        if self.details:
            body["details"] = self.details
        body["code"] = self.code
        return body


def details_for(rt, name=None, **extra):
    details = {}
    if name:
        details["name"] = name
    if rt.group:
        details["group"] = rt.group
    details["kind"] = rt.resource
    details.update(extra)
    return details


def not_found(rt, name):
    return ApiError(404, "NotFound", '%s "%s" not found' % (rt.qualified, name), details_for(rt, name))


def namespace_not_found(namespace):
    return ApiError(404, "NotFound", 'namespaces "%s" not found' % namespace, {"name": namespace, "kind": "namespaces"})


def conflict(rt, name, why="the object has been modified; please apply your changes to the latest version and try again"):
    return ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": %s' % (rt.qualified, name, why),
                    details_for(rt, name))


def already_exists(rt, name):
    return ApiError(409, "AlreadyExists", '%s "%s" already exists' % (rt.qualified, name), details_for(rt, name))


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def page_not_found():
    return ApiError(404, "NotFound", "404 page not found", plain=True)


def method_not_allowed():
    return ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")


REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
           406: "NotAcceptable", 409: "Conflict", 410: "Expired", 413: "RequestEntityTooLarge",
           415: "UnsupportedMediaType", 422: "Invalid", 429: "TooManyRequests", 500: "InternalError",
           503: "ServiceUnavailable", 504: "Timeout"}


def injected_failure(rule):
    code = int(rule.get("status", 503))
    reason = REASONS.get(code, "")
    default_messages = {429: "Too many requests, please try again later.",
                        503: "the server is currently unable to handle the request",
                        500: "an error on the server (\"injected by the test\") has prevented the request from succeeding",
                        504: "the server was unable to return a response in the time allotted, but may still be "
                             "processing the request",
                        409: "Operation cannot be fulfilled: the object has been modified; please apply your changes "
                             "to the latest version and try again"}
    message = rule.get("message") or default_messages.get(code, "injected failure %d" % code)
    headers, details = {}, None
    if code in (429, 503) and (code == 429 or "retry_after" in rule):
        retry = int(rule.get("retry_after", 1))
        headers["Retry-After"] = str(retry)
        details = {"retryAfterSeconds": retry}
    return ApiError(code, reason, message, details, headers, plain=bool(rule.get("plain")))


# ---------------------------------------------------------------------------------------------------------------------
# Selectors

_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_VALUE = r"[-A-Za-z0-9_.]*"


def parse_label_selector(text):
    """Equality- and set-based label selectors: a=b, a==b, a!=b, a, !a, a in (x,y), a notin (x,y)."""
    parts, depth, current = [], 0, ""
    for ch in text or "":
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    requirements = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(%s)\s+(in|notin)\s+\(([^)]*)\)" % _KEY, part)
        if m:
            values = {v.strip() for v in m.group(3).split(",") if v.strip()}
            requirements.append((m.group(1), m.group(2), values))
            continue
        m = re.fullmatch(r"(%s)\s*(==|=|!=)\s*(%s)" % (_KEY, _VALUE), part)
        if m:
            op = "!=" if m.group(2) == "!=" else "="
            requirements.append((m.group(1), op, m.group(3)))
            continue
        m = re.fullmatch(r"!\s*(%s)" % _KEY, part)
        if m:
            requirements.append((m.group(1), "!exists", None))
            continue
        m = re.fullmatch(_KEY, part)
        if m:
            requirements.append((part, "exists", None))
            continue
        raise bad_request("unable to parse requirement: %r" % part)
    return requirements


def labels_match(requirements, obj):
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for key, op, value in requirements:
        present = key in labels
        actual = labels.get(key)
        if op == "=" and actual != value:
            return False
        if op == "!=" and present and actual == value:
            return False
        if op == "in" and (not present or actual not in value):
            return False
        if op == "notin" and present and actual in value:
            return False
        if op == "exists" and not present:
            return False
        if op == "!exists" and present:
            return False
    return True


def parse_field_selector(text):
    requirements = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)", part)
        if not m:
            raise bad_request("invalid selector: '%s'; can't understand '%s'" % (text, part))
        if m.group(1) not in FIELD_SELECTABLE:
            raise bad_request('"%s" is not a known field selector: only "metadata.name", "metadata.namespace"' % m.group(1))
        requirements.append((m.group(1), "!=" if m.group(2) == "!=" else "=", m.group(3)))
    return requirements


def fields_match(requirements, obj):
    metadata = obj.get("metadata") or {}
    for field, op, value in requirements:
        actual = metadata.get(field.split(".", 1)[1]) or ""
        if (op == "=") != (actual == value):
            return False
    return True


# ---------------------------------------------------------------------------------------------------------------------
# State


def object_namespace(obj):
    return (obj.get("metadata") or {}).get("namespace") or ""


def object_name(obj):
    return (obj.get("metadata") or {}).get("name") or ""


def content_without_metadata(obj):
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def fields_v1(value):
    """A simplified FieldsV1 set: maps become `f:` keys; lists and scalars are leaves."""
    if isinstance(value, dict):
        return {"f:" + k: fields_v1(v) for k, v in value.items()}
    return {}


def apply_fields(patch, subresource):
    fields = {}
    metadata = patch.get("metadata") or {}
    meta_fields = {"f:" + k: fields_v1(metadata[k]) for k in ("labels", "annotations") if k in metadata}
    if meta_fields:
        fields["f:metadata"] = meta_fields
    for key, value in patch.items():
        if key in ("apiVersion", "kind", "metadata"):
            continue
        if (key == "status") != (subresource == "status"):
            continue
        fields["f:" + key] = fields_v1(value)
    return fields


def set_managed_fields(old, new, manager, operation, api_version, subresource, fields):
    """Replace the manager's entry in metadata.managedFields (keeping its time when nothing changed)."""
    entries = list((old or {}).get("metadata", {}).get("managedFields") or [])
    entry = {"manager": manager, "operation": operation, "apiVersion": api_version, "time": now_timestamp(),
             "fieldsType": "FieldsV1", "fieldsV1": fields}
    if subresource:
        entry["subresource"] = subresource
    kept = []
    for existing in entries:
        same = (existing.get("manager") == manager and existing.get("operation") == operation
                and existing.get("subresource") == entry.get("subresource"))
        if same:
            if existing.get("fieldsV1") == fields and existing.get("apiVersion") == api_version:
                entry["time"] = existing.get("time", entry["time"])
            continue
        kept.append(existing)
    kept.append(entry)
    new.setdefault("metadata", {})["managedFields"] = kept


def convert_string_data(obj):
    """Secrets: stringData is merged into data, base64-encoded, as the API server does."""
    if obj.get("kind") == "Secret" and isinstance(obj.get("stringData"), dict):
        data = dict(obj.get("data") or {})
        for key, value in obj.pop("stringData").items():
            data[key] = base64.b64encode(str(value).encode()).decode()
        obj["data"] = data


class Subscription:
    def __init__(self, rt, namespace, labels, fields, user):
        self.rt = rt
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
        self.user = user
        self.queue = []
        self.since = now_timestamp()

    def matches(self, key, namespace, obj):
        if key != self.rt.key:
            return False
        if self.namespace is not None and namespace != self.namespace:
            return False
        return labels_match(self.labels, obj) and fields_match(self.fields, obj)


class State:
    def __init__(self, registry):
        self.registry = registry
        self.cond = threading.Condition()
        self.rv = 0
        self.compacted = 0
        self.objects = {}  # (group, resource, namespace, name) -> object (never mutated in place)
        self.log = []  # (rv, type, object, (group, resource), namespace)
        self.subscriptions = []
        self.requests = []
        self.failures = []
        self.closed = False
        self.pod_logs = {}  # "namespace/pod" -> [line, ...] (what pods/log returns and follows)

    # -- helpers (call with the lock held)

    def next_rv(self):
        self.rv += 1
        return self.rv

    def get(self, rt, namespace, name):
        return self.objects.get(rt.key + (namespace or "", name))

    def namespace_exists(self, namespace):
        return ("", "namespaces", "", namespace) in self.objects

    def matching(self, rt, namespace, labels=(), fields=()):
        out = []
        for (group, resource, ns, _name), obj in self.objects.items():
            if (group, resource) != rt.key or (namespace is not None and ns != namespace):
                continue
            if labels_match(labels, obj) and fields_match(fields, obj):
                out.append(obj)
        out.sort(key=lambda o: (object_namespace(o), object_name(o)))
        return out

    def record(self, event_type, obj, rt):
        namespace = object_namespace(obj)
        self.log.append((self.rv, event_type, obj, rt.key, namespace))
        for sub in self.subscriptions:
            if sub.matches(rt.key, namespace, obj):
                sub.queue.append((event_type, obj))
        self.cond.notify_all()

    def normalise(self, rt, obj):
        """Admission-like defaults that every write path gets."""
        metadata = obj.setdefault("metadata", {})
        if rt.namespaced:
            metadata["namespace"] = metadata.get("namespace") or "default"
        else:
            metadata.pop("namespace", None)
        if rt.resource == "namespaces":
            labels = dict(metadata.get("labels") or {})
            labels["kubernetes.io/metadata.name"] = metadata["name"]
            metadata["labels"] = labels
            obj.setdefault("spec", {"finalizers": ["kubernetes"]})
            status = obj.setdefault("status", {})
            status.setdefault("phase", "Active")
        convert_string_data(obj)

    def create(self, rt, obj, dry_run=False):
        """Store a new object: assigns uid, creationTimestamp (unless given), generation and resourceVersion."""
        obj = copy.deepcopy(obj)
        self.normalise(rt, obj)
        metadata = obj["metadata"]
        metadata.setdefault("uid", str(uuid.uuid4()))
        metadata.setdefault("creationTimestamp", now_timestamp())
        metadata.setdefault("generation", 1)
        if dry_run:
            metadata["resourceVersion"] = str(self.rv)
            return obj
        metadata["resourceVersion"] = str(self.next_rv())
        self.objects[rt.key + (object_namespace(obj), metadata["name"])] = obj
        self.record("ADDED", obj, rt)
        return obj

    def update(self, rt, old, new, dry_run=False, generation=None, keep_identity=True):
        """Replace an object; a no-op write changes nothing. Returns the stored object."""
        new = copy.deepcopy(new)
        self.normalise(rt, new)
        metadata = new["metadata"]
        old_metadata = old["metadata"]
        for key in ("uid", "creationTimestamp"):
            if key in old_metadata and (keep_identity or not metadata.get(key)):
                metadata[key] = old_metadata[key]
        if generation is None:
            generation = old_metadata.get("generation", 1)
            if content_without_metadata(new) != content_without_metadata(old):
                generation += 1
        metadata["generation"] = generation
        metadata["resourceVersion"] = old_metadata.get("resourceVersion")
        if new == old:
            return old
        if dry_run:
            return new
        metadata["resourceVersion"] = str(self.next_rv())
        self.objects[rt.key + (object_namespace(new), metadata["name"])] = new
        self.record("MODIFIED", new, rt)
        return new

    def delete(self, rt, obj):
        key = rt.key + (object_namespace(obj), object_name(obj))
        del self.objects[key]
        gone = copy.deepcopy(obj)
        gone["metadata"]["resourceVersion"] = str(self.next_rv())
        self.record("DELETED", gone, rt)
        if rt.key == ("", "namespaces"):
            # The namespace controller's eventual cascade, done at once.
            name = object_name(obj)
            for other_key in sorted(k for k in self.objects if k[2] == name):
                other = self.objects[other_key]
                other_rt = self.registry.for_object(other) or self.type_for_key(other_key)
                if other_rt is not None:
                    self.delete(other_rt, other)
        return gone

    def type_for_key(self, key):
        for t in self.registry.types:
            if t.key == key[:2]:
                return t
        return None

    def put_raw(self, obj):
        """/_test/objects and --objects: create or replace, status kept as given."""
        rt = self.registry.for_object(obj)
        if rt is None:
            raise bad_request("kind %s in apiVersion %s is not served by this server (served: %s)"
                              % (obj.get("kind"), obj.get("apiVersion"), self.registry.served_kinds()))
        if not object_name(obj):
            raise bad_request("metadata.name is required")
        obj = copy.deepcopy(obj)
        self.normalise(rt, obj)
        existing = self.get(rt, object_namespace(obj), object_name(obj))
        if existing is None:
            return self.create(rt, obj), True
        generation = obj["metadata"].get("generation")
        return self.update(rt, existing, obj, generation=generation, keep_identity=False), False


# ---------------------------------------------------------------------------------------------------------------------
# HTTP


class ClientGone(Exception):
    pass


class FakeAPIServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, context, state, options):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.ssl_context = context
        self.state = state
        self.options = options
        super().__init__(address, handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def get_request(self):
        sock, address = self.socket.accept()
        # The TLS handshake runs in the request thread (Handler.setup), so a stalled client blocks nobody.
        return self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, socket.timeout, TimeoutError, ClientGone)):
            return
        if isinstance(error, ssl.SSLError):
            if "EOF" not in str(error):
                log_error("TLS handshake with %s:%s failed: %s" % (client_address[0], client_address[1], error))
            return
        log_error("error serving %s:%s" % client_address[:2])
        traceback.print_exc(file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-apiserver"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this

    # -- plumbing

    def setup(self):
        self.request.settimeout(30)
        self.request.do_handshake()
        super().setup()

    def log_message(self, format, *args):  # noqa: A002 - quiet: only errors go to stderr
        pass

    def log_error(self, format, *args):  # noqa: A002
        log_error("%s: %s" % (self.address_string(), format % args))

    def version_string(self):
        return self.server_version

    @property
    def state(self):
        return self.server.state

    @property
    def options(self):
        return self.server.options

    def send_response(self, code, message=None):
        record = getattr(self, "_record", None)
        if record is not None:
            record["status"] = code
        super().send_response(code, message)

    def send_common_headers(self):
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")

    def send_body(self, code, data, headers):
        self.send_response(code)
        self.send_common_headers()
        for name, header in headers.items():
            self.send_header(name, header)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, code, value, headers=None):
        self.send_body(code, (dumps(value) + "\n").encode(), {"Content-Type": "application/json", **(headers or {})})

    def send_text(self, code, text, headers=None):
        self.send_body(code, text.encode(), {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff",
                                             **(headers or {})})

    def send_error_status(self, error):
        if error.plain:
            if error.code == 404 and self.options.status_404:
                error = ApiError(404, "NotFound", "the server could not find the requested resource")
            else:
                self.send_text(error.code, error.message + "\n", error.headers)
                return
        self.send_json(error.code, error.status(), error.headers)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size_line = self.rfile.readline()
                if not size_line:
                    break
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def write_chunk(self, data):
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError, ValueError, OSError):
            self.close_connection = True
            raise ClientGone()

    def client_gone(self):
        """True when the client closed a connection we are only writing to (a watch)."""
        sock = self.connection
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return True
        if not readable:
            return False
        try:
            sock.setblocking(False)
            try:
                data = sock.recv(1)
            finally:
                sock.settimeout(self.timeout)
        except (ssl.SSLWantReadError, BlockingIOError):
            return False
        except (ssl.SSLError, OSError):
            return True
        return True  # EOF, or bytes a watch client should never send: either way the stream ends

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def dispatch(self):
        self._record = None
        try:
            self.handle_request()
        except ClientGone:
            self.close_connection = True
        except ApiError as error:
            try:
                self.send_error_status(error)
            except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError, OSError):
                self.close_connection = True
        except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError):
            self.close_connection = True
        except Exception as error:  # a bug in this file: say so on stderr and answer 500
            log_error("internal error on %s %s" % (self.command, self.path))
            traceback.print_exc(file=sys.stderr)
            try:
                self.send_json(500, ApiError(500, "InternalError", "fake-apiserver: %s" % error).status())
            except Exception:
                self.close_connection = True

    # -- routing

    def handle_request(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        params = {}
        for key, values in urllib.parse.parse_qs(url.query, keep_blank_values=True).items():
            params[key] = values[0]
        body = self.read_body()  # always drained, so a keep-alive connection stays in step

        if path == "/_test" or path.startswith("/_test/"):
            return self.handle_control(path, params, body)

        record = {"method": self.command, "path": path, "query": url.query, "params": params, "user": None,
                  "user_agent": self.headers.get("User-Agent"), "accept": self.headers.get("Accept"),
                  "content_type": self.headers.get("Content-Type"), "status": None}
        state = self.state
        with state.cond:
            state.requests.append(record)
            rule = None
            for candidate in state.failures:
                if not path.startswith(candidate.get("path_prefix") or "/"):
                    continue
                if candidate.get("method") and candidate["method"].upper() != self.command:
                    continue
                rule = candidate
                candidate["count"] = int(candidate.get("count", 1)) - 1
                if candidate["count"] <= 0:
                    state.failures.remove(candidate)
                break
        self._record = record
        user = self.authenticate()  # recorded even when an injected failure answers first
        record["user"] = user
        if rule is not None:
            delay = float(rule.get("delay_seconds") or 0)
            if delay > 0:
                time.sleep(delay)
            if rule.get("close"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                raise ClientGone()
            if int(rule.get("status", 503)) >= 300:
                raise injected_failure(rule)

        if path in ("/healthz", "/livez", "/readyz") and self.command in ("GET", "HEAD"):
            return self.send_text(200, "ok")
        if path == "/version" and self.command in ("GET", "HEAD"):
            return self.send_json(200, {"major": "1", "minor": "31", "gitVersion": "v1.31.0",
                                        "gitCommit": "0000000000000000000000000000000000000000",
                                        "gitTreeState": "clean", "buildDate": "2024-08-13T07:28:49Z",
                                        "goVersion": "go1.22.5", "compiler": "gc", "platform": "linux/amd64"})

        if user is None:
            raise ApiError(401, "Unauthorized", "Unauthorized")
        self.check_accept()

        segments = [urllib.parse.unquote(s) for s in path.split("/") if s]
        if not segments or segments[0] not in ("api", "apis"):
            raise page_not_found()
        if segments[0] == "api":
            if len(segments) == 1:
                return self.get_only(self.api_versions)
            if segments[1] != "v1":
                raise page_not_found()
            group, version, rest = "", "v1", segments[2:]
        else:
            if len(segments) == 1:
                return self.get_only(self.api_group_list)
            group = segments[1]
            if group not in self.state.registry.groups or group == "":
                raise page_not_found()
            if len(segments) == 2:
                return self.get_only(lambda: self.api_group(group))
            version, rest = segments[2], segments[3:]
            if version not in self.state.registry.groups[group]:
                raise page_not_found()
        if not rest:
            return self.get_only(lambda: self.api_resource_list(group, version))
        return self.handle_resource(group, version, rest, params, body, user)

    def get_only(self, produce):
        if self.command not in ("GET", "HEAD"):
            raise method_not_allowed()
        self.send_json(200, produce())

    def check_accept(self):
        accept = self.headers.get("Accept")
        if not accept:
            return
        for part in accept.split(","):
            media = part.split(";")[0].strip().lower()
            if media in ("*/*", "application/*", "application/json") or media.endswith("+json"):
                return
        raise ApiError(406, "NotAcceptable",
                       "only the following media types are accepted: application/json (this test server serves JSON only)")

    def authenticate(self):
        # Like the real authenticator union: a verified client certificate first, then bearer tokens.
        try:
            certificate = self.connection.getpeercert()
        except (ValueError, ssl.SSLError):
            certificate = None
        if certificate:
            for rdn in certificate.get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        return value
        authorization = self.headers.get("Authorization") or ""
        if authorization[:7].lower() == "bearer ":
            return self.options.tokens.get(authorization[7:].strip())
        return None

    # -- discovery

    def api_versions(self):
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": self.server_address()}]}

    def server_address(self):
        host, port = self.server.server_address[:2]
        return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)

    def group_entry(self, group):
        versions = self.state.registry.groups[group]
        listed = [{"groupVersion": group + "/" + v, "version": v} for v in versions]
        return {"name": group, "versions": listed, "preferredVersion": listed[0]}

    def api_group_list(self):
        groups = [self.group_entry(g) for g in self.state.registry.groups if g]
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def api_group(self, group):
        entry = self.group_entry(group)
        return dict({"kind": "APIGroup", "apiVersion": "v1"}, **entry)

    def api_resource_list(self, group, version):
        resources = []
        for t in self.state.registry.types:
            if t.group != group or t.version != version:
                continue
            entry = {"name": t.resource, "singularName": t.singular, "namespaced": t.namespaced, "kind": t.kind,
                     "verbs": list(CRUD_VERBS)}
            if t.short_names:
                entry["shortNames"] = t.short_names
            if t.categories:
                entry["categories"] = t.categories
            resources.append(entry)
            if t.has_status:
                resources.append({"name": t.resource + "/status", "singularName": "", "namespaced": t.namespaced,
                                  "kind": t.kind, "verbs": ["get", "patch", "update"]})
        group_version = group + "/" + version if group else version
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}

    # -- resources

    def handle_resource(self, group, version, rest, params, body, user):
        registry = self.state.registry
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
            namespace, resource, tail = rest[1], rest[2], rest[3:]
        else:
            resource, tail = rest[0], rest[1:]
        rt = registry.by_gvr.get((group, version, resource))
        if rt is None or len(tail) > 2:
            raise page_not_found()
        if namespace is not None and not rt.namespaced:
            raise page_not_found()
        name = tail[0] if tail else None
        subresource = tail[1] if len(tail) > 1 else None
        if subresource == "log" and rt.resource == "pods" and self.command == "GET" and name is not None:
            self.authorize(user, "get", rt, "log", namespace, name)
            return self.pod_log(rt, namespace, name, params)
        if subresource is not None and (subresource != "status" or not rt.has_status):
            raise page_not_found()
        if name is not None and rt.namespaced and namespace is None:
            raise page_not_found()  # /apis/g/v/gateways/<name>: no such route

        method = self.command
        watching = params.get("watch") in TRUE_VALUES
        if name is None:
            verb = {"GET": "watch" if watching else "list", "HEAD": "list", "POST": "create"}.get(method)
        else:
            verb = {"GET": "get", "HEAD": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method)
        if verb is None:
            raise method_not_allowed()
        if verb == "create" and rt.namespaced and namespace is None:
            raise method_not_allowed()
        self.authorize(user, verb, rt, subresource, namespace, name)

        if verb == "list":
            return self.list_objects(rt, namespace, params)
        if verb == "watch":
            return self.watch_objects(rt, namespace, params, user)
        if verb == "get":
            return self.get_object(rt, namespace, name)
        if verb == "create":
            return self.create_object(rt, namespace, params, body)
        if verb == "update":
            return self.update_object(rt, namespace, name, subresource, params, body)
        if verb == "patch":
            return self.patch_object(rt, namespace, name, subresource, params, body)
        return self.delete_object(rt, namespace, name, params, body)

    def authorize(self, user, verb, rt, subresource, namespace, name):
        resource = rt.resource + ("/" + subresource if subresource else "")
        for rule_user, rule_verb, rule_resource in self.options.forbid:
            if rule_user not in ("*", user) or rule_verb not in ("*", verb):
                continue
            # RBAC semantics: "gateways" does not cover "gateways/status"; "gateways.<group>" is accepted too.
            if rule_resource not in ("*", resource, resource + ("." + rt.group if rt.group else "")):
                continue
            scope = 'in the namespace "%s"' % namespace if namespace is not None else "at the cluster scope"
            why = 'User "%s" cannot %s resource "%s" in API group "%s" %s' % (user, verb, resource, rt.group, scope)
            prefix = '%s "%s"' % (rt.qualified, name) if name else rt.qualified
            raise ApiError(403, "Forbidden", "%s is forbidden: %s" % (prefix, why), details_for(rt, name))

    def present(self, rt, obj):
        """An object as served at this group/version, keys in the API server's order."""
        out = {"apiVersion": rt.group_version, "kind": rt.kind}
        metadata = obj.get("metadata") or {}
        ordered = {k: metadata[k] for k in METADATA_ORDER if k in metadata}
        ordered.update((k, v) for k, v in metadata.items() if k not in ordered)
        out["metadata"] = ordered
        out.update((k, v) for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata", "status"))
        if "status" in obj:
            out["status"] = obj["status"]
        return out

    def list_objects(self, rt, namespace, params):
        labels = parse_label_selector(params.get("labelSelector", ""))
        fields = parse_field_selector(params.get("fieldSelector", ""))
        limit_text = params.get("limit") or "0"
        try:
            limit = int(limit_text)
        except ValueError:
            raise bad_request("limit: Invalid value: %r: must be an integer" % limit_text)
        state = self.state
        with state.cond:
            items = state.matching(rt, namespace, labels, fields)
            list_rv = state.rv
            token = params.get("continue")
            if token:
                try:
                    decoded = json.loads(base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)))
                    list_rv, start = int(decoded["rv"]), str(decoded["start"])
                except Exception as error:
                    raise bad_request("continue key is not valid: %s" % error)
                if list_rv < state.compacted:
                    raise ApiError(410, "Expired",
                                   "The provided continue parameter is too old to display a consistent list result. "
                                   "You can start a new list without the continue parameter, or use the continue "
                                   "token in this response to retrieve the remainder of the results. Continuing with "
                                   "the provided token results in an inconsistent list - objects that were created, "
                                   "modified, or deleted between the time the first chunk was returned and now may "
                                   "show up in the list.")
                items = [o for o in items if "%s/%s" % (object_namespace(o), object_name(o)) > start]
        metadata = {"resourceVersion": str(list_rv)}
        if limit > 0 and len(items) > limit:
            last = items[limit - 1]
            start = "%s/%s" % (object_namespace(last), object_name(last))
            raw = dumps({"rv": list_rv, "start": start}).encode()
            metadata["continue"] = base64.urlsafe_b64encode(raw).decode().rstrip("=")
            metadata["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        self.send_json(200, {"kind": rt.kind + "List", "apiVersion": rt.group_version, "metadata": metadata,
                             "items": [self.present(rt, o) for o in items]})

    def get_object(self, rt, namespace, name):
        with self.state.cond:
            obj = self.state.get(rt, namespace, name)
        if obj is None:
            raise not_found(rt, name)
        self.send_json(200, self.present(rt, obj))

    def watch_objects(self, rt, namespace, params, user):
        labels = parse_label_selector(params.get("labelSelector", ""))
        fields = parse_field_selector(params.get("fieldSelector", ""))
        try:
            timeout = float(params.get("timeoutSeconds") or 30)
        except ValueError:
            raise bad_request("timeoutSeconds: Invalid value: %r" % params.get("timeoutSeconds"))
        bookmarks = params.get("allowWatchBookmarks") in TRUE_VALUES
        send_initial = params.get("sendInitialEvents") in TRUE_VALUES
        rv_text = params.get("resourceVersion") or ""
        start_rv = None
        if rv_text not in ("", "0") and not send_initial:
            try:
                start_rv = int(rv_text)
            except ValueError:
                raise bad_request('resourceVersion: Invalid value: "%s": must be an integer' % rv_text)

        state = self.state
        expired = None
        subscription = None
        with state.cond:
            if start_rv is None:
                initial = [("ADDED", o) for o in state.matching(rt, namespace, labels, fields)]
            elif start_rv < state.compacted:
                expired = "too old resource version: %d (%d)" % (start_rv, state.compacted)
                initial = []
            else:
                probe = Subscription(rt, namespace, labels, fields, user)
                initial = [(t, o) for (rv, t, o, key, ns) in state.log if rv > start_rv and probe.matches(key, ns, o)]
            if expired is None:
                subscription = Subscription(rt, namespace, labels, fields, user)
                state.subscriptions.append(subscription)
            current = state.rv

        try:
            self.send_response(200)
            self.send_common_headers()
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if expired is not None:
                error = ApiError(410, "Expired", expired).status()
                self.write_chunk((dumps({"type": "ERROR", "object": error}) + "\n").encode())
                self.write_chunk(b"")
                return
            for event_type, obj in initial:
                self.write_event(rt, event_type, obj)
            if send_initial and bookmarks:
                self.write_bookmark(rt, current, initial_end=True)
            deadline = time.monotonic() + timeout
            interval = max(0.05, self.options.bookmark_interval)
            next_bookmark = time.monotonic() + interval
            while True:
                with state.cond:
                    if not subscription.queue and not state.closed:
                        wake = min(deadline, next_bookmark if bookmarks else deadline, time.monotonic() + 0.5)
                        state.cond.wait(max(0.0, wake - time.monotonic()))
                    events, subscription.queue = subscription.queue, []
                    current = state.rv
                    closed = state.closed
                for event_type, obj in events:
                    self.write_event(rt, event_type, obj)
                now = time.monotonic()
                if closed or now >= deadline:
                    break
                if bookmarks and now >= next_bookmark:
                    self.write_bookmark(rt, current)
                    next_bookmark = now + interval
                if not events and self.client_gone():
                    self.close_connection = True
                    raise ClientGone()
            self.write_chunk(b"")
        finally:
            if subscription is not None:
                with state.cond:
                    if subscription in state.subscriptions:
                        state.subscriptions.remove(subscription)
                    state.cond.notify_all()

    def pod_log(self, rt, namespace, name, params):
        """GET .../pods/<name>/log: the lines so far as text/plain; with follow=true, new ones as they come."""
        state = self.state
        follow = params.get("follow") in TRUE_VALUES
        key = "%s/%s" % (namespace, name)
        with state.cond:
            if state.get(rt, namespace, name) is None:
                raise not_found(rt, name)
            lines = list(state.pod_logs.get(key, []))
        self.send_response(200)
        self.send_common_headers()
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for line in lines:
            self.write_chunk((line + "\n").encode())
        sent = len(lines)
        while follow:
            with state.cond:
                if len(state.pod_logs.get(key, [])) <= sent and not state.closed:
                    state.cond.wait(0.5)
                new = state.pod_logs.get(key, [])[sent:]
                closed = state.closed
            for line in new:
                self.write_chunk((line + "\n").encode())
            sent += len(new)
            if closed:
                break
            if not new and self.client_gone():
                self.close_connection = True
                raise ClientGone()
        self.write_chunk(b"")

    def write_event(self, rt, event_type, obj):
        self.write_chunk((dumps({"type": event_type, "object": self.present(rt, obj)}) + "\n").encode())

    def write_bookmark(self, rt, rv, initial_end=False):
        metadata = {"resourceVersion": str(rv)}
        if initial_end:
            metadata["annotations"] = {"k8s.io/initial-events-end": "true"}
        event = {"type": "BOOKMARK", "object": {"kind": rt.kind, "apiVersion": rt.group_version, "metadata": metadata}}
        self.write_chunk((dumps(event) + "\n").encode())

    # -- writes

    def decode_object(self, body):
        try:
            value = json.loads(body.decode("utf-8") if body else "")
        except (ValueError, UnicodeDecodeError) as error:
            raise bad_request("the fake API server only decodes JSON request bodies (YAML and protobuf are not "
                              "supported): %s" % error)
        if not isinstance(value, dict):
            raise bad_request("the request body is not a JSON object")
        return value

    def check_identity(self, rt, obj, namespace, name):
        if not obj.get("kind"):
            raise bad_request("Object 'Kind' is missing in '%s'" % dumps(obj)[:200])
        if obj.get("apiVersion") != rt.group_version:
            raise bad_request("the API version in the data (%s) does not match the expected API version (%s)"
                              % (obj.get("apiVersion"), rt.group_version))
        if obj.get("kind") != rt.kind:
            raise bad_request("the kind in the data (%s) does not match the expected kind (%s)" % (obj.get("kind"), rt.kind))
        metadata = obj.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise bad_request("metadata must be an object")
        metadata = metadata or {}
        if name is not None and metadata.get("name") and metadata["name"] != name:
            raise bad_request("the name of the object (%s) does not match the name on the URL (%s)"
                              % (metadata["name"], name))
        if rt.namespaced and namespace is not None and metadata.get("namespace") and metadata["namespace"] != namespace:
            raise bad_request("the namespace of the provided object does not match the namespace sent on the request")

    def manager_for_update(self, params):
        manager = params.get("fieldManager")
        if manager:
            return manager
        agent = self.headers.get("User-Agent") or ""
        return agent.split("/")[0] or "unknown"

    def dry_run(self, params):
        return params.get("dryRun") == "All"

    def create_object(self, rt, namespace, params, body):
        obj = self.decode_object(body)
        self.check_identity(rt, obj, namespace, None)
        metadata = obj.setdefault("metadata", {})
        if not metadata.get("name"):
            if metadata.get("generateName"):
                metadata["name"] = metadata["generateName"] + "".join(
                    random.choice(string.ascii_lowercase + string.digits) for _ in range(5))
            else:
                group_kind = rt.kind + ("." + rt.group if rt.group else "")
                details = {"group": rt.group, "kind": rt.kind} if rt.group else {"kind": rt.kind}
                details["causes"] = [{"reason": "FieldValueRequired", "field": "metadata.name",
                                      "message": "Required value: name or generateName is required"}]
                raise ApiError(422, "Invalid", '%s "" is invalid: metadata.name: Required value: name or generateName '
                               'is required' % group_kind, details)
        if rt.namespaced:
            metadata["namespace"] = namespace
        for key in ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"):
            metadata.pop(key, None)
        if rt.has_status:
            obj.pop("status", None)
        state = self.state
        with state.cond:
            if rt.namespaced and not state.namespace_exists(namespace):
                raise namespace_not_found(namespace)
            if state.get(rt, namespace, metadata["name"]) is not None:
                raise already_exists(rt, metadata["name"])
            set_managed_fields(None, obj, self.manager_for_update(params), "Update", rt.group_version, None,
                               apply_fields(obj, None))
            stored = state.create(rt, obj, self.dry_run(params))
        self.send_json(201, self.present(rt, stored))

    def update_object(self, rt, namespace, name, subresource, params, body):
        obj = self.decode_object(body)
        self.check_identity(rt, obj, namespace, name)
        wanted_rv = (obj.get("metadata") or {}).get("resourceVersion")
        state = self.state
        with state.cond:
            existing = state.get(rt, namespace, name)
            if existing is None:
                raise not_found(rt, name)
            if wanted_rv and wanted_rv != existing["metadata"].get("resourceVersion"):
                raise conflict(rt, name)
            if subresource == "status":
                new = copy.deepcopy(existing)
                new["status"] = copy.deepcopy(obj.get("status"))
                if new["status"] is None:
                    del new["status"]
            else:
                new = copy.deepcopy(obj)
                new.setdefault("metadata", {})
                new["metadata"]["managedFields"] = copy.deepcopy(existing["metadata"].get("managedFields") or [])
                if rt.has_status:
                    if "status" in existing:
                        new["status"] = copy.deepcopy(existing["status"])
                    else:
                        new.pop("status", None)
            new["apiVersion"] = existing.get("apiVersion")
            set_managed_fields(existing, new, self.manager_for_update(params), "Update", rt.group_version, subresource,
                               apply_fields(obj, subresource))
            stored = state.update(rt, existing, new, self.dry_run(params))
        self.send_json(200, self.present(rt, stored))

    def patch_object(self, rt, namespace, name, subresource, params, body):
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/apply-patch+yaml":
            return self.apply_object(rt, namespace, name, subresource, params, body)
        merge_types = ["application/merge-patch+json"]
        if rt.group in ("", "apps", "discovery.k8s.io"):
            merge_types.append("application/strategic-merge-patch+json")  # approximated by a merge patch
        if content_type not in merge_types:
            accepted = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
            if rt.group in ("", "apps", "discovery.k8s.io"):
                accepted += ", application/strategic-merge-patch+json"
            raise ApiError(415, "UnsupportedMediaType",
                           "the body of the request was in an unknown format - accepted media types include: %s%s"
                           % (accepted, " (this test server does not implement JSON patch)"
                              if content_type == "application/json-patch+json" else ""))
        patch = self.decode_object(body)
        state = self.state
        with state.cond:
            existing = state.get(rt, namespace, name)
            if existing is None:
                raise not_found(rt, name)
            patch_metadata = patch.get("metadata") if isinstance(patch.get("metadata"), dict) else {}
            wanted_rv = patch_metadata.get("resourceVersion")
            if wanted_rv and wanted_rv != existing["metadata"].get("resourceVersion"):
                raise conflict(rt, name)
            merged = merge_patch(copy.deepcopy(existing), patch)
            if subresource == "status":
                new = copy.deepcopy(existing)
                if "status" in merged:
                    new["status"] = merged["status"]
                else:
                    new.pop("status", None)
            else:
                new = merged
                if rt.has_status:
                    if "status" in existing:
                        new["status"] = copy.deepcopy(existing["status"])
                    else:
                        new.pop("status", None)
            for key in ("apiVersion", "kind"):
                new[key] = existing.get(key)
            set_managed_fields(existing, new, self.manager_for_update(params), "Update", rt.group_version, subresource,
                               apply_fields(patch, subresource))
            stored = state.update(rt, existing, new, self.dry_run(params))
        self.send_json(200, self.present(rt, stored))

    def apply_object(self, rt, namespace, name, subresource, params, body):
        manager = params.get("fieldManager")
        if not manager:
            raise ApiError(422, "Invalid",
                           'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for '
                           'apply patch',
                           {"group": "meta.k8s.io", "kind": "PatchOptions", "causes": [
                               {"reason": "FieldValueRequired", "message": "Required value: is required for apply patch",
                                "field": "fieldManager"}]})
        try:
            patch = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise bad_request("error decoding YAML: the fake API server only supports JSON apply bodies "
                              "(JSON is valid YAML; send the configuration as JSON): %s" % error)
        if not isinstance(patch, dict):
            raise bad_request("the apply configuration is not an object")
        self.check_identity(rt, patch, namespace, name)
        metadata_patch = patch.get("metadata") or {}
        fields = apply_fields(patch, subresource)
        dry_run = self.dry_run(params)
        state = self.state
        with state.cond:
            existing = state.get(rt, namespace, name)
            if existing is None:
                if subresource == "status":
                    raise not_found(rt, name)
                if rt.namespaced and not state.namespace_exists(namespace):
                    raise namespace_not_found(namespace)
                obj = {"apiVersion": rt.group_version, "kind": rt.kind}
                metadata = {"name": name}
                if rt.namespaced:
                    metadata["namespace"] = namespace
                for key in ("labels", "annotations", "finalizers", "ownerReferences"):
                    if key in metadata_patch:
                        metadata[key] = copy.deepcopy(metadata_patch[key])
                obj["metadata"] = metadata
                for key, value in patch.items():
                    if key in ("apiVersion", "kind", "metadata") or (key == "status" and rt.has_status):
                        continue
                    obj[key] = copy.deepcopy(value)
                set_managed_fields(None, obj, manager, "Apply", rt.group_version, None, fields)
                stored = state.create(rt, obj, dry_run)
                code = 201
            else:
                wanted_rv = metadata_patch.get("resourceVersion")
                if wanted_rv and wanted_rv != existing["metadata"].get("resourceVersion"):
                    raise conflict(rt, name)
                new = copy.deepcopy(existing)
                if subresource == "status":
                    if "status" in patch:
                        new["status"] = copy.deepcopy(patch["status"])
                else:
                    for key, value in patch.items():
                        if key in ("apiVersion", "kind", "metadata") or (key == "status" and rt.has_status):
                            continue
                        new[key] = copy.deepcopy(value)
                    for key in ("labels", "annotations", "finalizers", "ownerReferences"):
                        if key in metadata_patch:
                            new["metadata"][key] = copy.deepcopy(metadata_patch[key])
                    if rt.kind == "Secret" and "stringData" in patch and "data" not in patch:
                        new["data"] = {}
                set_managed_fields(existing, new, manager, "Apply", rt.group_version, subresource, fields)
                stored = state.update(rt, existing, new, dry_run)
                code = 200
        self.send_json(code, self.present(rt, stored))

    def delete_object(self, rt, namespace, name, params, body):
        options = {}
        if body.strip():
            try:
                options = json.loads(body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise bad_request("the DeleteOptions body is not JSON: %s" % error)
        preconditions = (options or {}).get("preconditions") or {}
        dry_run = "All" in ((options or {}).get("dryRun") or []) or self.dry_run(params)
        state = self.state
        with state.cond:
            existing = state.get(rt, namespace, name)
            if existing is None:
                raise not_found(rt, name)
            metadata = existing["metadata"]
            if preconditions.get("uid") and preconditions["uid"] != metadata.get("uid"):
                raise conflict(rt, name, "Precondition failed: UID in precondition: %s, UID in object meta: %s"
                               % (preconditions["uid"], metadata.get("uid")))
            if preconditions.get("resourceVersion") and preconditions["resourceVersion"] != metadata.get("resourceVersion"):
                raise conflict(rt, name, "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in "
                               "object meta: %s" % (preconditions["resourceVersion"], metadata.get("resourceVersion")))
            if not dry_run:
                state.delete(rt, existing)
        self.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                             "details": details_for(rt, name, uid=metadata.get("uid"))})

    # -- /_test control endpoints

    def handle_control(self, path, params, body):
        state = self.state
        parts = [urllib.parse.unquote(s) for s in path.split("/") if s][1:]
        method = self.command
        endpoint = parts[0] if parts else ""

        def json_body():
            try:
                return json.loads(body.decode("utf-8") or "null")
            except (ValueError, UnicodeDecodeError) as error:
                raise bad_request("control body is not JSON: %s" % error)

        if endpoint == "logs" and method == "POST" and len(parts) == 3:
            value = json_body()
            with state.cond:
                state.pod_logs.setdefault(parts[1] + "/" + parts[2], []).extend(value.get("lines", []))
                state.cond.notify_all()
            return self.send_json(200, {"lines": len(state.pod_logs[parts[1] + "/" + parts[2]])})
        if endpoint == "objects" and method == "GET" and len(parts) == 1:
            with state.cond:
                items = [state.objects[k] for k in sorted(state.objects)]
                return self.send_json(200, items)
        if endpoint == "objects" and method == "POST" and len(parts) == 1:
            value = json_body()
            if isinstance(value, dict) and isinstance(value.get("items"), list):
                value = value["items"]
            many = isinstance(value, list)
            results = []
            with state.cond:
                for item in (value if many else [value]):
                    if not isinstance(item, dict):
                        raise bad_request("each object must be a JSON object")
                    stored, created = state.put_raw(item)
                    results.append((stored, created))
            if many:
                return self.send_json(200, [stored for stored, _ in results])
            return self.send_json(201 if results[0][1] else 200, results[0][0])
        if endpoint == "objects" and method == "DELETE" and len(parts) in (4, 5):
            group = "" if parts[1] in ("core", "", "-", "_") else parts[1]
            resource = parts[2]
            namespace, name = (parts[3], parts[4]) if len(parts) == 5 else ("", parts[3])
            if namespace in ("-", "_"):
                namespace = ""
            with state.cond:
                rt = state.type_for_key((group, resource))
                if rt is None:
                    raise bad_request("resource %s in group %r is not served" % (resource, group))
                existing = state.get(rt, namespace if rt.namespaced else "", name)
                if existing is None:
                    raise not_found(rt, name)
                gone = state.delete(rt, existing)
            return self.send_json(200, gone)
        if endpoint == "compact" and method == "POST":
            with state.cond:
                state.compacted = state.rv
                state.log = [entry for entry in state.log if entry[0] > state.compacted]
                return self.send_json(200, {"compactedRevision": state.compacted, "resourceVersion": str(state.rv)})
        if endpoint == "fail" and method == "POST":
            value = json_body()
            if not isinstance(value, dict):
                raise bad_request("expected {\"status\": 503, \"count\": 1, \"path_prefix\": \"/apis\"}")
            rule = dict(value)
            rule.setdefault("status", 503)
            rule.setdefault("count", 1)
            with state.cond:
                if int(rule["count"]) > 0:
                    state.failures.append(rule)
                return self.send_json(200, list(state.failures))
        if endpoint == "fail" and method == "DELETE":
            with state.cond:
                state.failures = []
            return self.send_json(200, [])
        if endpoint == "requests" and method == "GET":
            with state.cond:
                data = dumps(state.requests)
            return self.send_json(200, json.loads(data))
        if endpoint == "requests" and method == "DELETE":
            with state.cond:
                state.requests = []
            return self.send_json(200, [])
        if endpoint == "watches" and method == "GET":
            with state.cond:
                watches = [{"group": s.rt.group, "version": s.rt.version, "resource": s.rt.resource,
                            "namespace": s.namespace, "user": s.user, "since": s.since} for s in state.subscriptions]
            return self.send_json(200, watches)
        if endpoint == "state" and method == "GET":
            with state.cond:
                return self.send_json(200, {"resourceVersion": str(state.rv), "compactedRevision": state.compacted,
                                            "objects": len(state.objects), "watches": len(state.subscriptions)})
        raise ApiError(404, "NotFound", "no such control endpoint: %s %s" % (method, path))


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


# ---------------------------------------------------------------------------------------------------------------------
# Start-up


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="A test double of the Kubernetes API server.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--cert", required=True, help="server certificate (PEM, may include the chain)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--client-ca", help="CA for client certificates (requested, not required)")
    parser.add_argument("--token", action="append", default=[], metavar="TOKEN=USER", help="accepted bearer token")
    parser.add_argument("--forbid", action="append", default=[], metavar="USER:VERB:RESOURCE",
                        help="deny USER the VERB on RESOURCE (plural; * matches anything)")
    parser.add_argument("--objects", help="JSON file: a list (or List) of initial objects")
    parser.add_argument("--btls-version", choices=["v1", "v1alpha3"], default="v1",
                        help="the version BackendTLSPolicy is served as")
    parser.add_argument("--no-gateway-api", action="store_true", help="serve no gateway.networking.k8s.io group")
    parser.add_argument("--bookmark-interval", type=float, default=1.0, help="seconds between watch bookmarks")
    parser.add_argument("--no-default-namespaces", action="store_true",
                        help="do not create default, kube-system, kube-public and kube-node-lease")
    parser.add_argument("--status-404", action="store_true",
                        help="answer unknown paths with a NotFound Status instead of the real text/plain "
                             "'404 page not found'")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when stdin is closed (so the server dies with the test process)")
    args = parser.parse_args(argv)

    tokens = {}
    for item in args.token:
        token, sep, user = item.rpartition("=")
        if not sep or not token or not user:
            parser.error("--token expects TOKEN=USER, got %r" % item)
        tokens[token] = user
    args.tokens = tokens
    forbid = []
    for item in args.forbid:
        pieces = item.rsplit(":", 2)  # user names may contain ':' (system:serviceaccount:ns:name)
        if len(pieces) != 3 or not all(pieces):
            parser.error("--forbid expects USER:VERB:RESOURCE, got %r" % item)
        forbid.append(tuple(pieces))
    args.forbid = forbid
    return args


def load_objects(state, path, default_namespaces):
    seed = ["default", "kube-system", "kube-public", "kube-node-lease"] if default_namespaces else []
    objects = []
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                value = json.load(handle)
        except (OSError, ValueError) as error:
            raise SystemExit("fake-apiserver: cannot read --objects %s: %s" % (path, error))
        if isinstance(value, dict) and isinstance(value.get("items"), list):
            value = value["items"]
        if not isinstance(value, list):
            raise SystemExit("fake-apiserver: --objects %s must hold a JSON list of objects (or a List)" % path)
        for index, obj in enumerate(value):
            if not isinstance(obj, dict):
                raise SystemExit("fake-apiserver: --objects %s: item %d is not an object" % (path, index))
            rt = state.registry.for_object(obj)
            if rt is None:
                raise SystemExit("fake-apiserver: --objects %s: item %d (%s %s) is not served by this server "
                                 "(served: %s)" % (path, index, obj.get("kind"), obj.get("apiVersion"),
                                                   state.registry.served_kinds()))
            if not object_name(obj):
                raise SystemExit("fake-apiserver: --objects %s: item %d has no metadata.name" % (path, index))
            objects.append((rt, obj))
    # Namespaces the objects live in exist, as they must in a real cluster.
    declared = {object_name(o) for rt, o in objects if rt.resource == "namespaces"}
    for rt, obj in objects:
        if rt.namespaced:
            namespace = object_namespace(obj) or "default"
            if namespace not in seed and namespace not in declared:
                seed.append(namespace)
    namespace_type = state.registry.by_gvr[("", "v1", "namespaces")]
    with state.cond:
        for name in seed:
            if name not in declared:
                state.create(namespace_type, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        for rt, obj in objects:
            try:
                state.put_raw(obj)
            except ApiError as error:
                raise SystemExit("fake-apiserver: --objects %s: %s" % (path, error.message))


def main(argv=None):
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    registry = Registry(gateway_api=not args.no_gateway_api, btls_version=args.btls_version)
    state = State(registry)
    load_objects(state, args.objects, not args.no_default_namespaces)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            context.load_verify_locations(cafile=args.client_ca)
            context.verify_mode = ssl.CERT_OPTIONAL
    except (OSError, ssl.SSLError) as error:
        raise SystemExit("fake-apiserver: cannot load TLS material: %s" % error)
    context.set_alpn_protocols(["http/1.1"])

    try:
        server = FakeAPIServer((args.bind, args.port), Handler, context, state, args)
    except OSError as error:
        raise SystemExit("fake-apiserver: cannot listen on %s:%d: %s" % (args.bind, args.port, error))

    def stop(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    if args.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            os.kill(os.getpid(), signal.SIGTERM)
        threading.Thread(target=watch_stdin, daemon=True).start()

    sys.stdout.write("LISTENING %d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        with state.cond:
            state.closed = True
            state.cond.notify_all()
            # Let open watches end their streams cleanly (terminating chunk) before the process goes.
            deadline = time.monotonic() + 1.0
            while state.subscriptions and time.monotonic() < deadline:
                state.cond.wait(0.05)
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
