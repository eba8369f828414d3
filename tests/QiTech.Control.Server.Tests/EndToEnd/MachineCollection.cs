namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>The test classes that share one machine (daemon, server, browser) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class MachineCollection : ICollectionFixture<MachineFixture>
{
    public const string Name = "machine";
}
