"""The core's logic over narrow storage interfaces: importing, links, search, related news,
feeds, change watching. A service is given the storage objects it needs (typed as Protocols in
its own module) and never imports the storage package."""
