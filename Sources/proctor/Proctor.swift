import ArgumentParser

@main
struct Proctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proctor",
        abstract: "Tests webhook consumers by playing Talview, Testlify and Qualified.",
        subcommands: [
            RunCommand.self, CheckCommand.self, SendCommand.self, EmitCommand.self, EventsCommand.self,
            ServeCommand.self, VerifyCommand.self, SchemaCommand.self,
        ]
    )
}
