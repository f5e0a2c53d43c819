package dev.uniscope.core.symbols;

import dev.uniscope.core.symbols.elf.SymbolBinding;
import dev.uniscope.core.symbols.elf.SymbolType;

/** A named symbol at its runtime address, for breakpoints and watchpoints. */
public record SymbolInfo(
    String name, long runtimeAddress, long size, SymbolType type, SymbolBinding binding) {}
