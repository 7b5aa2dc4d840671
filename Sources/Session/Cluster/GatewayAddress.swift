import Dataplane
import Foundation
import GatewayAPI
import GatewayCore

/// Where a cluster's Gateway listens, found as the guide tells users to: the NGINX Service's LoadBalancer ingress IP
/// or hostname and the listener's port; else a node address and the NodePort; `--gateway-address` overrides.
public enum GatewayAddress {
    public struct Found: Equatable {
        public var address: String
        public var port: Int
        public var how: String
    }

    /// The Service NGF runs for a Gateway: labelled with the Gateway's name (NGF 2.x: `<gateway>-nginx`), else NGF
    /// 1.x's shared `nginx-gateway` Service.
    public static func service(for gateway: ObjectRef, store: Store) -> StoredObject? {
        let services = (try? store.list(ResourceRegistry.service.groupKind)) ?? []
        return services.first {
            $0.namespace == gateway.namespace
                && $0.body.value(at: ["metadata", "labels", "gateway.networking.k8s.io/gateway-name"])?.stringValue
                    == gateway.name
        }
            ?? services.first { $0.namespace == gateway.namespace && $0.name == "\(gateway.name)-nginx" }
            ?? services.first { $0.name == "nginx-gateway" && $0.namespace == "nginx-gateway" }
    }

    /// The address for a listener port, or why there is none.
    public static func find(gateway: ObjectRef, listenerPort: Int, store: Store, override: String?) -> Result<
        Found, CLIError
    > {
        if let override {
            let parts = override.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]), !parts[0].isEmpty else {
                return .failure(
                    CLIError("error: --gateway-address must be IP:PORT (or HOST:PORT), got \"\(override)\""))
            }
            return .success(Found(address: String(parts[0]), port: port, how: "--gateway-address"))
        }
        guard let service = service(for: gateway, store: store) else {
            return .failure(
                CLIError(
                    "error: no NGINX Service found for Gateway \(gateway.namespacedName) (labelled gateway.networking.k8s.io/gateway-name=\(gateway.name)); give --gateway-address IP:PORT (for example after kubectl port-forward)"
                ))
        }
        let ports = service.body.value(at: ["spec", "ports"])?.arrayValue ?? []
        let port = ports.first { Int($0["port"]?.intValue ?? -1) == listenerPort } ?? ports.first
        let ingress = service.status?["loadBalancer"]?["ingress"]?.arrayValue?.first
        if let ingress, let address = ingress["ip"]?.stringValue ?? ingress["hostname"]?.stringValue,
            let servicePort = port?["port"]?.intValue
        {
            return .success(
                Found(
                    address: address, port: Int(servicePort),
                    how: "LoadBalancer ingress of Service \(service.namespace)/\(service.name)"))
        }
        if let nodePort = port?["nodePort"]?.intValue {
            let nodes = (try? store.list(GroupKind(group: "", kind: "Node"))) ?? []
            let addresses = nodes.flatMap { $0.status?["addresses"]?.arrayValue ?? [] }
            if let node = addresses.first(where: { $0["type"]?.stringValue == "ExternalIP" })
                ?? addresses.first(where: { $0["type"]?.stringValue == "InternalIP" }),
                let ip = node["address"]?.stringValue
            {
                return .success(
                    Found(
                        address: ip, port: Int(nodePort),
                        how: "node address and NodePort of Service \(service.namespace)/\(service.name)"))
            }
            return .failure(
                CLIError(
                    "error: Service \(service.namespace)/\(service.name) is a NodePort (\(nodePort)) but no node address is known; give --gateway-address NODE-IP:\(nodePort)"
                ))
        }
        return .failure(
            CLIError(
                "error: Service \(service.namespace)/\(service.name) has no LoadBalancer ingress yet (and no NodePort); give --gateway-address IP:PORT"
            ))
    }
}
