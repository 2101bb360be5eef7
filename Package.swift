// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ustrack",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ustrack", targets: ["ustrack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CivilDays"),
        .target(name: "Postgres", dependencies: ["CLibPQ", "CivilDays"]),
        .target(name: "EventStore", dependencies: ["Postgres"]),
        // db/ is the only copy of the schema; the plugin compiles it into this module.
        .target(
            name: "Migrations",
            dependencies: ["Postgres"],
            plugins: ["EmbedMigrations"]
        ),
        .executableTarget(name: "embed-sql"),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["embed-sql"]),
        .target(name: "Tracker"),
        .target(name: "Extraction", dependencies: ["Tracker"]),
        .target(name: "ChildProcess"),
        // NDJSON lines as bytes, checked in one pass: what an import reads before it decides.
        .target(name: "NDJSON"),
        // Events to row changes, pure; Projections loads the state it needs and writes the changes.
        .target(name: "ProjectionCore", dependencies: ["Tracker"]),
        .target(name: "Projections", dependencies: ["Postgres", "EventStore", "Tracker", "ProjectionCore"]),
        .target(name: "Reports", dependencies: ["Tracker", "CivilDays", .product(name: "Plot", package: "Plot")]),
        .executableTarget(
            name: "ustrack",
            dependencies: [
                "Postgres", "EventStore", "Migrations", "Tracker", "Projections", "Reports", "ChildProcess", "Extraction", "NDJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The sample dataset travels inside the binary, like the migrations.
            resources: [.embedInCode("Dataset/union-state-2021-2023.ndjson")]
        ),
        .executableTarget(
            name: "ustrack-bench",
            dependencies: ["Postgres", "EventStore", "Migrations", "Tracker", "Projections"],
            path: "Benchmarks/ustrack-bench"
        ),
        // A test target that depends on TestSupport needs the PostgreSQL server scripts/test starts
        // (EndToEndTests also the built ustrack); every other one is pure and runs anywhere.
        .target(name: "TestThreads", path: "Tests/TestThreads"),
        .target(name: "TestSupport", dependencies: ["Postgres", "Migrations", "ChildProcess", "TestThreads"], path: "Tests/TestSupport"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "PostgresUnitTests", dependencies: ["Postgres"]),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore", "Migrations", "TestSupport"]),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "Postgres", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EventStoreUnitTests", dependencies: ["EventStore", "TestThreads"]),
        .testTarget(name: "TrackerTests", dependencies: ["Tracker"]),
        .testTarget(name: "NDJSONTests", dependencies: ["NDJSON"]),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "Tracker"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportsTests", dependencies: [
            "Reports", .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
        ], exclude: ["__Snapshots__"]),
        .testTarget(name: "ProjectionCoreTests", dependencies: ["ProjectionCore", "Tracker"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "EventStore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "ustrack"], exclude: ["png_stats.py"]),
    ]
)
