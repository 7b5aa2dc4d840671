import Foundation
import GatewayAPI
import GatewayCore
import Testing

@testable import Dataplane

/// The guide's manifests, read from the scenario file.
let guideObjects: [DecodedObject] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let docs = try! ManifestReader().read(paths: [
        root.appendingPathComponent("scenarios/securing-backend-traffic.md").path
    ])
    return try! ManifestDecoder().decode(docs)
}()

func guideObject(_ kind: String, _ name: String) -> DecodedObject {
    guideObjects.first { $0.type.kind == kind && $0.name == name }!
}

let policyKey = ObjectKey(
    groupKind: ResourceRegistry.backendTLSPolicy.groupKind, namespace: "default", name: "backend-tls")
let routeKey = ObjectKey(groupKind: ResourceRegistry.httpRoute.groupKind, namespace: "default", name: "secure-app")
let gatewayKey = ObjectKey(groupKind: ResourceRegistry.gateway.groupKind, namespace: "default", name: "gateway")

func conditions(_ status: JSONValue?) -> [String] {
    (status?.arrayValue ?? []).map {
        "\($0["type"]?.stringValue ?? "")=\($0["status"]?.stringValue ?? "")/\($0["reason"]?.stringValue ?? "")"
    }
}

@Suite("The embedded controller over the store")
struct ReconcilerTests {
    func setUp() throws -> (Store, Reconciler) {
        let store = try Store(directory: temporaryStateDirectory())
        return (store, Reconciler(store: store, config: ControllerConfig()))
    }

    @Test("the built-in GatewayClass nginx exists unless the user defines one; the controller name is configurable")
    func builtInClass() throws {
        let (store, reconciler) = try setUp()
        try reconciler.reconcile()
        let gc = try #require(
            try store.get(ObjectKey(groupKind: ResourceRegistry.gatewayClass.groupKind, namespace: "", name: "nginx")))
        #expect(gc.body.value(at: ["spec", "controllerName"]) == "gateway.nginx.org/nginx-gateway-controller")
        #expect(
            conditions(gc.status?["conditions"]) == [
                "Accepted=True/Accepted", "SupportedVersion=True/SupportedVersion",
            ])

        let other = try Store(directory: temporaryStateDirectory())
        _ = try other.apply(
            objects(
                "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: nginx}\nspec: {controllerName: example.com/mine}\n"
            ))
        try Reconciler(store: other, config: ControllerConfig(controllerName: "example.com/mine")).reconcile()
        let mine = try #require(
            try other.get(ObjectKey(groupKind: ResourceRegistry.gatewayClass.groupKind, namespace: "", name: "nginx")))
        #expect(mine.body.value(at: ["spec", "controllerName"]) == "example.com/mine")
        #expect(conditions(mine.status?["conditions"]).first == "Accepted=True/Accepted")
    }

    @Test("the guide, step by step: route attached, then the policy accepted by default/gateway")
    func guideStepByStep() throws {
        let (store, reconciler) = try setUp()
        _ = try store.apply(
            guideObjects.filter {
                ["Deployment", "Service", "Secret"].contains($0.type.kind) || $0.name == "secure-config"
            })
        _ = try store.apply([guideObject("Gateway", "gateway")])
        _ = try store.apply([guideObject("HTTPRoute", "secure-app")])
        try reconciler.reconcile()
        let route = try #require(try store.get(routeKey))
        #expect(
            conditions(route.status?["parents"]?.arrayValue?.first?["conditions"]) == [
                "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs",
            ])
        let gateway = try #require(try store.get(gatewayKey))
        #expect(gateway.status?["listeners"]?.arrayValue?.first?["attachedRoutes"] == 1)

        _ = try store.apply([guideObject("ConfigMap", "backend-cert")])
        _ = try store.apply([guideObject("BackendTLSPolicy", "backend-tls")])
        try reconciler.reconcile()
        let policy = try #require(try store.get(policyKey))
        let ancestor = try #require(policy.status?["ancestors"]?.arrayValue?.first)
        #expect(
            ancestor["ancestorRef"] == [
                "group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gateway", "namespace": "default",
            ])
        #expect(ancestor["controllerName"] == "gateway.nginx.org/nginx-gateway-controller")
        #expect(ancestor["conditions"]?.arrayValue?.first?["message"] == "BackendTLSPolicy is accepted by the Gateway")
    }

    @Test("status follows the CA ConfigMap as it appears, changes and disappears")
    func configMapLifecycle() throws {
        let (store, reconciler) = try setUp()
        _ = try store.apply(guideObjects.filter { $0.name != "backend-cert" })
        try reconciler.reconcile()
        #expect(
            conditions(try store.get(policyKey)?.status?["ancestors"]?.arrayValue?.first?["conditions"])
                == ["Accepted=False/NoValidCACertificate", "ResolvedRefs=False/InvalidCACertificateRef"])
        #expect(
            conditions(try store.get(routeKey)?.status?["parents"]?.arrayValue?.first?["conditions"]).last
                == "ResolvedRefs=False/UnsupportedValue")

        _ = try store.apply([guideObject("ConfigMap", "backend-cert")])
        try reconciler.reconcileIfNeeded()
        #expect(
            conditions(try store.get(policyKey)?.status?["ancestors"]?.arrayValue?.first?["conditions"])
                == ["Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs"])
        #expect(
            conditions(try store.get(routeKey)?.status?["parents"]?.arrayValue?.first?["conditions"]).last
                == "ResolvedRefs=True/ResolvedRefs")

        _ = try store.apply(
            objects("kind: ConfigMap\napiVersion: v1\nmetadata: {name: backend-cert}\ndata:\n  ca.crt: garbage\n"))
        try reconciler.reconcileIfNeeded()
        let changed = try store.get(policyKey)?.status?["ancestors"]?.arrayValue?.first?["conditions"]
        #expect(
            conditions(changed) == [
                "Accepted=False/NoValidCACertificate", "ResolvedRefs=False/InvalidCACertificateRef",
            ])
        #expect(
            changed?.arrayValue?[1]["message"]?.stringValue?.contains("ConfigMap default/backend-cert key ca.crt")
                == true)

        _ = try store.delete([
            ObjectKey(groupKind: ResourceRegistry.configMap.groupKind, namespace: "default", name: "backend-cert")
        ])
        try reconciler.reconcileIfNeeded()
        let gone = try store.get(policyKey)?.status?["ancestors"]?.arrayValue?.first?["conditions"]
        #expect(gone?.arrayValue?[1]["message"] == "ConfigMap default/backend-cert does not exist")
    }

    @Test("a generation bump updates observedGeneration; lastTransitionTime stays while a condition holds")
    func observedGeneration() throws {
        let (store, reconciler) = try setUp()
        _ = try store.apply(guideObjects)
        let first = Date(timeIntervalSince1970: 1_700_000_000)
        try reconciler.reconcile(now: first)
        let before = try #require(
            try store.get(routeKey)?.status?["parents"]?.arrayValue?.first?["conditions"]?.arrayValue?.first)
        #expect(before["observedGeneration"] == 1)

        var changed = guideObject("HTTPRoute", "secure-app")
        changed.object.set(["secure-app.example.com", "other.example.com"], at: ["spec", "hostnames"])
        _ = try store.apply([changed])
        try reconciler.reconcile(now: first.addingTimeInterval(60))
        let after = try #require(
            try store.get(routeKey)?.status?["parents"]?.arrayValue?.first?["conditions"]?.arrayValue?.first)
        #expect(after["observedGeneration"] == 2)
        #expect(after["lastTransitionTime"] == before["lastTransitionTime"])

        // A change of status gets a new transition time.
        _ = try store.delete([
            ObjectKey(groupKind: ResourceRegistry.service.groupKind, namespace: "default", name: "secure-app")
        ])
        try reconciler.reconcile(now: first.addingTimeInterval(120))
        let resolved = try #require(
            try store.get(routeKey)?.status?["parents"]?.arrayValue?.first?["conditions"]?.arrayValue?[1])
        #expect(resolved["reason"] == "BackendNotFound")
        #expect(resolved["lastTransitionTime"] == .string(Store.timestamp(first.addingTimeInterval(120))))
    }

    @Test("deleting the Gateway removes its ancestor entries and detaches the route")
    func deleteGateway() throws {
        let (store, reconciler) = try setUp()
        _ = try store.apply(guideObjects)
        try reconciler.reconcile()
        #expect(try store.get(policyKey)?.status?["ancestors"]?.arrayValue?.count == 1)
        _ = try store.delete([gatewayKey])
        try reconciler.reconcileIfNeeded()
        #expect(try store.get(policyKey)?.status?["ancestors"] == [])
        #expect(
            conditions(try store.get(routeKey)?.status?["parents"]?.arrayValue?.first?["conditions"]).first
                == "Accepted=False/NoMatchingParent")
    }

    @Test("status written by other controllers is kept")
    func otherControllers() throws {
        let (store, reconciler) = try setUp()
        _ = try store.apply(guideObjects)
        let foreign: JSONValue = [
            "parents": [
                [
                    "parentRef": ["name": "mesh", "kind": "Service", "group": ""], "controllerName": "example.com/mesh",
                    "conditions": [
                        [
                            "type": "Accepted", "status": "True", "reason": "Accepted", "message": "ok",
                            "lastTransitionTime": "2024-01-01T00:00:00Z",
                        ]
                    ],
                ]
            ]
        ]
        try store.updateStatus(routeKey, status: foreign)
        try reconciler.reconcile()
        let parents = try store.get(routeKey)?.status?["parents"]?.arrayValue ?? []
        #expect(
            parents.map { $0["controllerName"]?.stringValue ?? "" } == [
                "example.com/mesh", "gateway.nginx.org/nginx-gateway-controller",
            ])
    }

    @Test("reconcileIfNeeded writes nothing when nothing changed")
    func idempotent() throws {
        let (store, reconciler) = try setUp()
        _ = try store.apply(guideObjects)
        try reconciler.reconcile()
        let revision = try store.revision()
        try reconciler.reconcileIfNeeded()
        try reconciler.reconcile()
        #expect(try store.revision() == revision)
    }
}
