#!/usr/bin/env bash
# Regenerates the gRPC backends' Swift code from Sources/Probing/Protos (committed; CI does not run this). Needs protoc
# (Debian's protobuf-compiler) and the two plugins built from the package mirror:
#   swift build -c release --product protoc-gen-swift         (apple/swift-protobuf 1.39.0)
#   swift build -c release --product protoc-gen-grpc-swift-2  (grpc/grpc-swift-protobuf 2.4.1)
# in a scratch package that depends on both; pass its .build/release directory as $1.
set -euo pipefail
cd "$(dirname "$0")/../Sources/Probing/Protos"
plugins="${1:?usage: scripts/generate-protos.sh PLUGIN_DIRECTORY}"
out=../../GRPCBackend/Generated
PATH="$plugins:$PATH" protoc --swift_out="$out" --grpc-swift-2_out=Client=false,Server=true:"$out" \
    helloworld.proto grpcecho.proto
