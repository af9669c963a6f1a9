import Testing
@testable import ProctorContracts
