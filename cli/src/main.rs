//! `intoto-verify`: verify an in-toto supply chain (see `intoto-verify --help`).

fn main() {
    let code = intoto_verify_cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
