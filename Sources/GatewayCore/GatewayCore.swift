import GatewayAPI

/// The controller core (graph, attachment, status) is built in a later step; this module is its home.
public enum GatewayCore {
    /// The controller name gwconsole's embedded default uses, as NGINX Gateway Fabric's.
    public static let defaultControllerName = "gateway.nginx.org/nginx-gateway-controller"
}
