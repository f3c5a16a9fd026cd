#if !NET9_0_OR_GREATER
// System.Threading.Lock arrived in .NET 9; on .NET 8 a plain object is the lock, with the same lock statements.
global using Lock = object;
#endif
