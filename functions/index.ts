/**
 * The Functions entry point (package.json "main"). Each module registers its triggers with
 * @azure/functions; handlers import their use case lazily so a cold start loads only what the
 * invoked function needs.
 */
import "./api";
import "./dashboard";
import "./digest";
import "./retention";
import "./sweep";
import "./sweep-shard";
