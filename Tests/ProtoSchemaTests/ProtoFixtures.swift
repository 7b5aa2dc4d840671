@testable import ProtoSchema

/// `.proto` texts the tests parse, and helpers to build schemas from them.
enum ProtoFixtures {
    /// NGF's gRPC example (examples/grpc-routing): grpc-go's helloworld.
    static let helloworld = """
        syntax = "proto3";

        option go_package = "google.golang.org/grpc/examples/helloworld/helloworld";
        option java_multiple_files = true;
        option java_package = "io.grpc.examples.helloworld";
        option java_outer_classname = "HelloWorldProto";

        package helloworld;

        // The greeting service definition.
        service Greeter {
          // Sends a greeting
          rpc SayHello (HelloRequest) returns (HelloReply) {}
        }

        // The request message containing the user's name.
        message HelloRequest {
          string name = 1;
        }

        // The response message containing the greetings
        message HelloReply {
          string message = 1;
        }
        """

    /// The Gateway API conformance echo server's service (echo-basic's grpcechoserver/grpcecho.proto, without its
    /// licence header): nested messages, a repeated message, three methods; tab-indented, with comments.
    static let grpcEcho = """
        syntax = "proto3";

        option go_package = "sigs.k8s.io/gateway-api-conformance-images/echo-basic/grpcechoserver";

        // This package name should in general be kept in sync with the directory in which it lives.
        package gateway_api_conformance.echo_basic.grpcecho;

        message Header {
        \tstring key = 1;
        \tstring value = 2;
        }

        message Context {
        \t// The Kubernetes namespace in which this server is running.
        \tstring namespace = 1;
        \tstring ingress = 2;
        \t// The name service cannot be used here since it is a reserved word.
        \tstring service_name = 3;
        \tstring pod = 4;
        }

        message TLSAssertions {
        \tstring version = 1;
        \tstring negotiated_protocol = 2;
        \tstring server_name = 3;
        \tstring cipher_suite = 4;
        \trepeated string peer_certificates = 5;
        }

        message Assertions {
        \t// The fully qualified method of the current RPC, e.g.
        \t// "/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/Echo"
        \tstring fully_qualified_method = 1;
        \trepeated Header headers = 2;
        \tstring authority = 3;
        \tContext context = 4;
        \tTLSAssertions tls_assertions = 5;
        }

        message EchoRequest {}

        message EchoResponse {
        \tAssertions assertions = 1;
        \tEchoRequest request = 2;
        }

        service GrpcEcho {
        \trpc Echo(EchoRequest) returns (EchoResponse) {}

        \t// Behaves identically to Echo, but lives at a different method.
        \trpc EchoTwo(EchoRequest) returns (EchoResponse) {}

        \t// An intentionally unimplemented method.
        \trpc EchoThree(EchoRequest) returns (EchoResponse) {}
        }
        """

    /// Every scalar type, repeated (packed and not), maps, nested messages, enums and oneofs.
    static let everything = """
        syntax = "proto3";
        package test.v1;

        import "google/protobuf/timestamp.proto";
        import "google/protobuf/duration.proto";
        import "google/protobuf/wrappers.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/any.proto";
        import "google/protobuf/empty.proto";

        enum Color {
          COLOR_UNSPECIFIED = 0;
          RED = 1;
          GREEN = 2;
        }

        message Scalars {
          double f_double = 1;
          float f_float = 2;
          int32 f_int32 = 3;
          int64 f_int64 = 4;
          uint32 f_uint32 = 5;
          uint64 f_uint64 = 6;
          sint32 f_sint32 = 7;
          sint64 f_sint64 = 8;
          fixed32 f_fixed32 = 9;
          fixed64 f_fixed64 = 10;
          sfixed32 f_sfixed32 = 11;
          sfixed64 f_sfixed64 = 12;
          bool f_bool = 13;
          string f_string = 14;
          bytes f_bytes = 15;
          Color f_color = 16;
          optional int32 maybe = 17;
        }

        message Collections {
          repeated int32 numbers = 1;
          repeated int32 unpacked = 2 [packed = false];
          repeated string names = 3;
          repeated Color colors = 4;
          map<string, int32> counts = 5;
          map<int64, Item> items = 6;
          map<bool, string> flags = 7;
          repeated Item list = 8;
          repeated double ratios = 9;
        }

        message Item {
          string id = 1;
          Item child = 2;
          Kind kind = 3;
          enum Kind {
            KIND_UNSPECIFIED = 0;
            BOOK = 1;
          }
        }

        message Choice {
          string label = 1;
          oneof value {
            string text = 2;
            int32 number = 3;
            Item item = 4;
          }
        }

        message Renamed {
          string display_name = 1 [json_name = "title", deprecated = true];
        }

        message WellKnown {
          google.protobuf.Timestamp at = 1;
          google.protobuf.Duration timeout = 2;
          google.protobuf.Int64Value big = 3;
          google.protobuf.StringValue note = 4;
          google.protobuf.Struct extra = 5;
          google.protobuf.Value anything = 6;
          google.protobuf.Any detail = 7;
          google.protobuf.Empty nothing = 8;
          google.protobuf.DoubleValue ratio = 9;
          google.protobuf.ListValue list = 10;
        }
        """

    static func schema(_ sources: (name: String, text: String)...) throws -> ProtoSchema {
        try ProtoSchema(files: sources.map { try ProtoParser.parse($0.text, file: $0.name) })
    }

    static func helloworldSchema() throws -> ProtoSchema { try schema(("grpc.proto", helloworld)) }
    static func echoSchema() throws -> ProtoSchema { try schema(("grpcecho.proto", grpcEcho)) }
    static func everythingSchema() throws -> ProtoSchema { try schema(("test.proto", everything)) }
}
