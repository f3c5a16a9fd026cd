namespace CleanArchitecture.Domain.ValueObjects;

public class Colour
{
    public Colour()
    {
    }

    private Colour(string code) => Code = code;

    public static Colour White => new("#FFFFFF");

    public static Colour Red => new("#FF5733");

    public string Code { get; private set; } = "#000000";

    public override string ToString() => Code;
}
