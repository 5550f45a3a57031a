fn main() -> std::process::ExitCode {
    enkaku::cli::main()
}
