import ArgumentParser

@main
struct Proctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proctor",
        abstract: "Tests webhook consumers by playing Talview, Testlify and Qualified.",
        subcommands: [CheckCommand.self, EventsCommand.self, EmitCommand.self, SchemaCommand.self, ServeCommand.self, VerifyCommand.self]
    )
}
