/// The well-known types' files under `google/protobuf/` that a schema supplies when a file imports them and the
/// caller gives no file of that name: the same packages, names and field numbers as protobuf's own copies, without
/// their comments and language options.
enum WellKnownFiles {
    /// The built-in files by import path, parsed once.
    static let files: [String: ProtoFile] = {
        var files: [String: ProtoFile] = [:]
        for (path, text) in sources {
            // The sources are constants of this module, and a test parses each; a failure is a bug here.
            files[path] = try! ProtoParser.parse(text, file: path)
        }
        return files
    }()

    /// Their import paths, sorted, for error messages.
    static let paths = sources.keys.sorted()

    static let sources: [String: String] = [
        "google/protobuf/any.proto": """
        syntax = "proto3";
        package google.protobuf;
        message Any {
          string type_url = 1;
          bytes value = 2;
        }
        """,
        "google/protobuf/duration.proto": """
        syntax = "proto3";
        package google.protobuf;
        message Duration {
          int64 seconds = 1;
          int32 nanos = 2;
        }
        """,
        "google/protobuf/empty.proto": """
        syntax = "proto3";
        package google.protobuf;
        message Empty {}
        """,
        "google/protobuf/field_mask.proto": """
        syntax = "proto3";
        package google.protobuf;
        message FieldMask {
          repeated string paths = 1;
        }
        """,
        "google/protobuf/struct.proto": """
        syntax = "proto3";
        package google.protobuf;
        message Struct {
          map<string, Value> fields = 1;
        }
        message Value {
          oneof kind {
            NullValue null_value = 1;
            double number_value = 2;
            string string_value = 3;
            bool bool_value = 4;
            Struct struct_value = 5;
            ListValue list_value = 6;
          }
        }
        enum NullValue {
          NULL_VALUE = 0;
        }
        message ListValue {
          repeated Value values = 1;
        }
        """,
        "google/protobuf/timestamp.proto": """
        syntax = "proto3";
        package google.protobuf;
        message Timestamp {
          int64 seconds = 1;
          int32 nanos = 2;
        }
        """,
        "google/protobuf/wrappers.proto": """
        syntax = "proto3";
        package google.protobuf;
        message DoubleValue {
          double value = 1;
        }
        message FloatValue {
          float value = 1;
        }
        message Int64Value {
          int64 value = 1;
        }
        message UInt64Value {
          uint64 value = 1;
        }
        message Int32Value {
          int32 value = 1;
        }
        message UInt32Value {
          uint32 value = 1;
        }
        message BoolValue {
          bool value = 1;
        }
        message StringValue {
          string value = 1;
        }
        message BytesValue {
          bytes value = 1;
        }
        """,
    ]
}
