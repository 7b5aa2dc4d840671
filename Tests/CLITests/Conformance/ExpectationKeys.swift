import Foundation
import Yams

/// The keys the runner reads in an expectation file. Decodable ignores keys it does not know, so a misspelled key
/// would quietly weaken a transcribed test; `unknown(in:)` finds every one.
enum ExpectationKeys {
    /// A nested mapping's allowed keys, and the shapes of its values by key.
    indirect enum Shape: Sendable {
        case any
        case map([String: Shape])
        case list(Shape)
    }

    static let condition = Shape.map(["type": .any, "status": .any, "reason": .any])
    static let request = Shape.map([
        "host": .any, "method": .any, "path": .any, "headers": .any, "unfollowRedirect": .any, "protocol": .any,
        "body": .any, "sni": .any, "clientCert": .any,
    ])
    static let expectedRequest = Shape.map([
        "host": .any, "method": .any, "path": .any, "headers": .any, "absentHeaders": .any, "sni": .any,
        "clientCert": .any,
    ])
    static let response = Shape.map(["statusCode": .any, "statusCodes": .any, "headers": .any, "absentHeaders": .any])
    static let stream = Shape.map([
        "gateway": .any, "listener": .any, "port": .any, "send": .any, "backend": .any, "namespace": .any,
        "serverName": .any, "ca": .any, "rejected": .any,
    ])
    static let distribution = Shape.map([
        "gateway": .any, "listener": .any, "port": .any, "samples": .any, "tolerance": .any, "weights": .any,
    ])
    static let listenerStatuses = Shape.list(
        .map([
            "name": .any, "supportedKinds": .list(.map(["group": .any, "kind": .any])), "attachedRoutes": .any,
            "conditions": .list(condition),
        ]))
    static let mirror = Shape.list(.map(["name": .any, "namespace": .any, "percent": .any]))

    static let steps: [String: Shape] = [
        "accepted": .map(["gateway": .any, "listener": .any, "listeners": .any, "routes": .any, "kind": .any]),
        "routeCondition": .map([
            "route": .any, "gateway": .any, "listenerSet": .any, "type": .any, "status": .any, "reason": .any,
            "kind": .any,
        ]),
        "routeParents": .map([
            "route": .any, "namespaceRequired": .any, "kind": .any,
            "parents": .list(
                .map([
                    "group": .any, "kind": .any, "name": .any, "namespace": .any, "sectionName": .any, "port": .any,
                    "controllerName": .any, "conditions": .list(condition),
                ])),
        ]),
        "routeNotAccepted": .map(["route": .any, "kind": .any]),
        "routeLatestConditions": .map(["route": .any, "kind": .any]),
        "tcp": stream, "tls": stream, "udp": stream,
        "dns": .map(["gateway": .any, "listener": .any, "port": .any, "name": .any]),
        "tcpDistribution": distribution, "udpDistribution": distribution,
        "routeGenerationChanged": .map(["route": .any]),
        "gatewayCondition": .map(["gateway": .any, "type": .any, "status": .any, "reason": .any]),
        "gatewayClassCondition": .map(["gatewayClass": .any, "type": .any, "status": .any, "reason": .any]),
        "policyCondition": .map(["policy": .any, "gateway": .any, "type": .any, "status": .any, "reason": .any]),
        "listeners": .map(["gateway": .any, "listeners": listenerStatuses]),
        "listenerConditions": .map([
            "gateway": .any, "listener": .any, "listeners": .any, "conditions": .list(condition),
        ]),
        "listenerSetCondition": .map(["listenerSet": .any, "type": .any, "status": .any, "reason": .any]),
        "listenerSetListenerConditions": .map([
            "listenerSet": .any, "listener": .any, "listeners": .any, "conditions": .list(condition),
        ]),
        "listenerSetListeners": .map(["listenerSet": .any, "listeners": listenerStatuses]),
        "attachedListenerSets": .map(["gateway": .any, "count": .any]),
        "listenerSetAccepted": .map(["listenerSet": .any, "kind": .any, "routes": .any]),
        "apply": .any,
        "delete": .map(["kind": .any, "namespace": .any, "name": .any]),
        "observedGenerationBumped": .map(["kind": .any, "namespace": .any, "name": .any]),
        "namespacesReady": .any,
        "gatewayZeroRoutes": .map(["gateway": .any]),
        "gatewayLatestConditions": .map(["gateway": .any]),
        "gatewayClassLatestConditions": .map(["gatewayClass": .any]),
        "policyLatestConditions": .map(["policy": .any, "once": .any]),
        "gatewayAddress": .map(["gateway": .any, "listener": .any]),
        "infrastructurePropagated": .map([
            "gateway": .any, "selector": .any, "kinds": .any, "labels": .any, "annotations": .any,
        ]),
        "endpointSlicesFromPods": .map(["deployment": .any, "endpointSlices": .any]),
        "websocket": .map([
            "gateway": .any, "listener": .any, "path": .any, "origin": .any, "text": .any, "binary": .any,
        ]),
        "request": .map([
            "gateway": .any, "listener": .any, "port": .any, "scheme": .any, "serverName": .any,
            "serverCertificate": .any, "request": request, "expectedRequest": expectedRequest,
            "backendSetResponseHeaders": .any, "response": response,
            "redirectRequest": .map(["scheme": .any, "host": .any, "port": .any, "path": .any]), "backend": .any,
            "namespace": .any, "mirroredTo": mirror, "expectFailure": .any,
        ]),
        "distribution": .map([
            "gateway": .any, "listener": .any, "request": request, "response": response, "namespace": .any,
            "requests": .any, "tolerance": .any, "weights": .any, "concurrency": .any, "attempts": .any,
        ]),
        "grpc": .map([
            "gateway": .any, "listener": .any, "port": .any, "method": .any, "authority": .any, "metadata": .any,
            "code": .any, "backend": .any, "namespace": .any, "expectFailure": .any,
        ]),
        "grpcDistribution": .map([
            "gateway": .any, "listener": .any, "port": .any, "method": .any, "authority": .any, "metadata": .any,
            "requests": .any, "concurrency": .any, "tolerance": .any, "attempts": .any, "weights": .any,
        ]),
        "mirrorDistribution": .map([
            "gateway": .any, "request": request, "expectedRequest": expectedRequest, "backend": .any,
            "namespace": .any, "mirroredTo": mirror, "requests": .any, "concurrency": .any,
            "toleranceStdDevs": .any, "attempts": .any,
        ]),
    ]

    static let test = Shape.map([
        "name": .any, "description": .any, "features": .any, "manifests": .any, "skip": .any, "provisional": .any,
        "steps": .any,
    ])

    /// `file: path: key` for every key the runner would not read.
    static func unknown(in text: String, file: String) throws -> [String] {
        guard let root = try Yams.load(yaml: text) as? [String: Any], let tests = root["tests"] as? [Any] else {
            return ["\(file): no tests list"]
        }
        var problems: [String] = []
        for (index, test) in tests.enumerated() {
            let path = "\(file): tests[\(index)]"
            check(test, against: Self.test, path: path, into: &problems)
            let steps = (test as? [String: Any])?["steps"] as? [Any] ?? []
            for (number, step) in steps.enumerated() {
                let stepPath = "\(path).steps[\(number)]"
                guard let map = step as? [String: Any] else {
                    problems.append("\(stepPath): not a mapping")
                    continue
                }
                for (key, value) in map where key != "when" && key != "name" {
                    guard let shape = Self.steps[key] else {
                        problems.append("\(stepPath): \(key)")
                        continue
                    }
                    check(value, against: shape, path: "\(stepPath).\(key)", into: &problems)
                }
            }
        }
        return problems
    }

    static func check(_ value: Any, against shape: Shape, path: String, into problems: inout [String]) {
        switch shape {
        case .any: return
        case .list(let element):
            for (index, item) in (value as? [Any] ?? []).enumerated() {
                check(item, against: element, path: "\(path)[\(index)]", into: &problems)
            }
        case .map(let keys):
            guard let map = value as? [String: Any] else { return }
            for (key, item) in map {
                guard let inner = keys[key] else {
                    problems.append("\(path): \(key)")
                    continue
                }
                check(item, against: inner, path: "\(path).\(key)", into: &problems)
            }
        }
    }
}
