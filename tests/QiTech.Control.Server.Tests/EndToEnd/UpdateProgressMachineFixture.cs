using QiTech.Control.Server.Tests.Support;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// A machine whose versions build two packages: p1 builds both quickly (their times become the
/// estimates), p2 rebuilds both and its second takes far longer than last time (to cancel);
/// <c>rel$1</c> is a tag with a character a shell or an environment file would escape, and the
/// branch <c>feature/x</c> points at its commit.
/// </summary>
public sealed class UpdateProgressMachineFixture : UpdateMachineFixture
{
    protected override void Populate(MachineRepository repository)
    {
        repository.Release("p1", MachineYaml("p1") + Packages("sleep 2", "sleep 2"));
        repository.Release("p2", MachineYaml("p2") + Packages("sleep 3", "echo beta takes longer this time; sleep 600"));
        repository.Release("rel$1", MachineYaml("rel1"));
        repository.Git("branch", "feature/x", "rel$1");
    }

    private static string Packages(string alpha, string beta) => $"""
        packages:
          alpha:
            build:
              script: |
                echo building alpha
                {alpha}
                mkdir -p "$out"
          beta:
            build:
              script: |
                echo building beta
                {beta}
                mkdir -p "$out"
        environment:
          systemPackages: [alpha, beta]

        """;
}
