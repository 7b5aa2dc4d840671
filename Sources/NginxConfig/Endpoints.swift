import GatewayAPI
import GatewayCore

/// The ready endpoints of a Service port, from its EndpointSlices, as `address:port` upstream servers.
public enum Endpoints {
    public static func addresses(service: ObjectRef, port: Int32, portName: String?, snapshot: ResourceSnapshot)
        -> [String]
    {
        guard let svc = snapshot.service(service.namespace, service.name),
            let servicePort = (svc.spec?.ports ?? []).first(where: { $0.port == port })
        else { return [] }
        var result: [String] = []
        let slices = snapshot.endpointSlices(service: service.namespace, service.name)
        for slice in slices where slice.addressType == "IPv4" || slice.addressType == "IPv6" {
            // The slice port for this Service port: same name; else the target port number.
            let slicePort =
                (slice.ports ?? []).first { ($0.name ?? "") == (servicePort.name ?? "") }?.port
                ?? { if case .int(let target)? = servicePort.targetPort { return target } else { return nil } }()
                ?? servicePort.port
            for endpoint in slice.endpoints ?? [] where endpoint.conditions?.ready != false {
                for address in endpoint.addresses where IPAddress.isValid(address) {
                    result.append(slice.addressType == "IPv6" ? "[\(address)]:\(slicePort)" : "\(address):\(slicePort)")
                }
            }
        }
        return Array(Set(result)).sorted()
    }
}
