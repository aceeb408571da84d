//! `ldeck events …`: the saved test events of a function (the same library as the
//! app's Test tab), as plain JSON files in and out.

use std::path::PathBuf;

use clap::Subcommand;
use lambda_deck::events::library::{EventContent, EventLibrary};
use lambda_deck::events::{template_context, templates};
use lambda_deck::session::Session;
use lambda_deck::Error;

use crate::invoke::{parse_kind, read_payload};
use crate::render::{self, write_stdout};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List a function's saved events.
    List {
        function: String,
        #[arg(long)]
        json: bool,
    },
    /// Print one saved event's JSON (what `sam local invoke -e` reads).
    Show { function: String, name: String },
    /// Save a new event from JSON, a file, stdin (`-`) or a template.
    Add {
        function: String,
        name: String,
        /// The event's JSON.
        #[arg(long, conflicts_with_all = ["payload_file", "template"])]
        payload: Option<String>,
        /// A file holding the event's JSON (`-` for stdin).
        #[arg(long, conflicts_with = "template")]
        payload_file: Option<PathBuf>,
        /// A template filled with the function's region and account (see `ldeck events templates`).
        #[arg(long)]
        template: Option<String>,
        /// How it is invoked: request, event, dry-run or stream.
        #[arg(long = "type", default_value = "request")]
        kind: String,
        /// A version or alias to invoke (default $LATEST).
        #[arg(long)]
        qualifier: Option<String>,
    },
    /// Import plain JSON files as events, each named after its file (or --name).
    Import {
        function: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The event's name (only with one file).
        #[arg(long)]
        name: Option<String>,
    },
    /// Write events as plain JSON files `<dir>/<name>.json` (all, or the one named).
    Export {
        function: String,
        name: Option<String>,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Delete a saved event.
    Remove { function: String, name: String },
    /// List the templates `add --template` takes.
    Templates,
}

pub async fn run(command: EventsCommand, session: &Session) -> Result<(), Error> {
    if let EventsCommand::Templates = command {
        let lines: Vec<String> =
            templates::templates().iter().map(|t| format!("{:<20} {} ({})", t.id, t.title, t.source)).collect();
        return write_stdout(&(lines.join("\n") + "\n"));
    }
    let library = EventLibrary::new(session.store().clone(), session.scope().await?);
    match command {
        EventsCommand::Templates => Ok(()),
        EventsCommand::List { function, json } => {
            let events = library.list(&function).await?;
            if json {
                return write_stdout(&render::json(&events)?);
            }
            write_stdout(&render::event_table(&events))
        }
        EventsCommand::Show { function, name } => {
            let event = library.get(&function, &name).await?;
            write_stdout(&format!("{}\n", event.payload.trim_end()))
        }
        EventsCommand::Add { function, name, payload, payload_file, template, kind, qualifier } => {
            let invocation_kind = parse_kind(&kind)?;
            let payload = match (payload, payload_file, template) {
                (_, _, Some(template)) => {
                    // Checked first: an unknown template must not wait on the network.
                    if !templates::templates().iter().any(|t| t.id == template) {
                        return Err(Error::InvalidInput(format!(
                            "--template: there is no template \"{template}\" (`ldeck events templates` lists them)."
                        )));
                    }
                    let connection = session.connection().await?;
                    let context = template_context(session.store(), &connection, &function).await;
                    templates::render(&template, &context)?
                }
                (payload, file, None) => read_payload(payload, file, false)?.unwrap_or_else(|| "{}".into()),
            };
            let content = EventContent { payload, invocation_kind, qualifier };
            let event = library.create(&function, &name, content).await.map_err(crate::with_option_names)?;
            eprintln!("ldeck: saved event \"{}\" of {}", event.name, event.function_name);
            Ok(())
        }
        EventsCommand::Import { function, files, name } => {
            if name.is_some() && files.len() > 1 {
                return Err(Error::InvalidInput("--name: give one file to import under a name.".into()));
            }
            for file in files {
                let event =
                    library.import_file(&function, &file, name.as_deref()).await.map_err(crate::with_option_names)?;
                eprintln!("ldeck: imported {} as \"{}\"", file.display(), event.name);
            }
            Ok(())
        }
        EventsCommand::Export { function, name, dir } => {
            let events = match name {
                Some(name) => vec![library.get(&function, &name).await?],
                None => library.list(&function).await?,
            };
            for path in library.export_files(&events, &dir).await? {
                println!("{}", path.display());
            }
            Ok(())
        }
        EventsCommand::Remove { function, name } => library.delete(&function, &name).await,
    }
}
