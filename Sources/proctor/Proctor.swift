import ArgumentParser

@main
struct Proctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proctor",
        abstract: "Tests webhook consumers by playing Talview, Testlify and Qualified.",
        subcommands: [EventsCommand.self, EmitCommand.self, LoadCommand.self, ReportCommand.self]
    )
}
