/** Le pagine dell’account in italiano (forma di cortesia con «Lei», come le email a cui rimandano; «passkey», «accedere», «dispositivo» come nel popup). */
import type { PageCatalogue } from "../page-catalogue";

export const it: PageCatalogue = {
  needsScript: "Per confermare, questa pagina ha bisogno di JavaScript: esegue solo lo script di questo sito.",
  verifyEmail: {
    title: "Confermi il Suo indirizzo email",
    intro: "Confermi che questo indirizzo email appartiene al Suo account Cargo VPN.",
    submit: "Conferma il mio indirizzo email",
  },
  resetPassword: {
    title: "Scelga una nuova password",
    intro:
      "La Sua password viene trasformata in chiavi su questo dispositivo e non ci viene mai inviata. Tutti i dispositivi verranno disconnessi.",
    username: "Il Suo nome utente",
    usernameHint:
      "Il nome con cui accede. Solo i Suoi dispositivi possono leggerlo: glielo chiediamo per proteggerlo di nuovo con la nuova password.",
    newPassword: "Nuova password",
    passwordHint: {
      one: "Almeno {count} carattere. Una frase lunga è l’ideale.",
      many: "Almeno {count} di caratteri. Una frase lunga è l’ideale.",
      other: "Almeno {count} caratteri. Una frase lunga è l’ideale.",
    },
    repeatPassword: "Ripeta la nuova password",
    submit: "Imposta la nuova password",
  },
  undoEmailChange: {
    title: "Annulli la modifica dell’indirizzo email",
    intro:
      "Così annulla la modifica dell’indirizzo email del Suo account Cargo VPN, o ripristina questo indirizzo se la modifica è già avvenuta, e tutti i dispositivi vengono disconnessi. Poi scelga una nuova password: «Password dimenticata?» nella schermata di accesso del popup di Cargo VPN invia un link a questo indirizzo.",
    submit: "Annulla la modifica e disconnetti tutti",
  },
  deleteAccount: {
    title: "Elimini il Suo account",
    intro:
      "Così elimina il Suo account Cargo VPN e tutto ciò che è memorizzato al riguardo: dispositivi, cronologia di utilizzo, impostazioni. Non si può annullare.",
    understood: "Ho capito che il mio account e i suoi dati verranno eliminati definitivamente.",
    submit: "Elimina il mio account",
  },
  passkeys: {
    title: "Aggiunga una passkey",
    intro: "Una passkey su questo dispositivo (o una chiave di sicurezza) potrà poi completare l’accesso a Cargo VPN dopo la Sua password.",
    label: "Nome di questa passkey (facoltativo)",
    submit: "Crea una passkey",
  },
  passkeySignIn: {
    title: "Acceda con la Sua passkey",
    intro: "La password era corretta. Usi la Sua passkey per concludere; l’estensione completa l’accesso.",
    submit: "Usa la mia passkey",
  },
  script: {
    needsLink:
      "Questa pagina ha bisogno del link completo dell’email. Apra di nuovo il link o lo copi per intero nella barra degli indirizzi.",
    needsExtension: "Apra questa pagina dall’estensione: il link che apre contiene ciò che serve a questo passaggio.",
    confirming: "Conferma in corso…",
    emailConfirmed: "Il Suo indirizzo email è confermato. Può chiudere questa pagina.",
    usernameInvalid: "Inserisca il nome utente con cui accede.",
    passwordTooShort: {
      one: "Scelga una password di almeno {count} carattere.",
      many: "Scelga una password di almeno {count} di caratteri.",
      other: "Scelga una password di almeno {count} caratteri.",
    },
    passwordsDiffer: "Le due password non coincidono. Inserisca due volte la stessa password.",
    deriving: "Generazione delle chiavi su questo dispositivo (qualche secondo)…",
    passwordChanged: "La password è stata modificata e tutti i dispositivi sono stati disconnessi. Acceda di nuovo con la nuova password.",
    tickTheBox: "Spunti la casella per confermare di aver capito che l’operazione non si può annullare.",
    deleting: "Eliminazione in corso…",
    deleted: "Il Suo account e tutti i suoi dati sono stati eliminati. Un ultimo messaggio glielo confermerà.",
    undoing: "Annullamento della modifica…",
    undone:
      "La modifica dell’indirizzo email è stata annullata e tutti i dispositivi sono stati disconnessi. Scelga ora una nuova password: «Password dimenticata?» nella schermata di accesso del popup di Cargo VPN invia un link a questo indirizzo.",
    passkeyCreating: "Segua le istruzioni del browser per creare una passkey…",
    passkeyRegistered: "La Sua passkey è registrata. All’accesso Le verrà chiesta dopo la password. Può chiudere questa pagina.",
    passkeyUsing: "Segua le istruzioni del browser per usare la Sua passkey…",
    passkeySignedIn: "Fatto: l’estensione sta completando l’accesso. Può chiudere questa pagina.",
    passkeyCancelled: "Il browser non ha creato né usato una passkey (operazione annullata o non disponibile). Riprovi.",
    invalidToken: "Questo link non è più valido: è già stato usato, è scaduto o è stato copiato in modo incompleto. Ne richieda uno nuovo.",
    usernameMismatch: "Questo non è il nome utente di questo account. Inserisca il nome con cui accede.",
    rateLimited: "Troppi tentativi. Attenda un po’ e riprovi.",
    rateLimitedWait: "Troppi tentativi. Riprovi {wait}.",
    busyWait: "Il servizio Cargo VPN è sovraccarico. Riprovi {wait}.",
    tryAgainNow: "Ora può riprovare.",
    network: "Impossibile raggiungere il server. Controlli la connessione e riprovi.",
    validation: "Alcuni dati non sono validi. Li controlli e riprovi.",
    unknown: "Qualcosa è andato storto. Riprovi più tardi.",
    invalidTicket: "Questo link della passkey è scaduto o è già stato usato. Lo apra di nuovo dall’estensione.",
    invalidChallenge: "Questo passaggio è scaduto o è già stato usato. Ricominci dall’estensione.",
    invalidPasskey: "La passkey non è stata accettata. Riprovi o usi un’altra passkey.",
    passkeyLimit: {
      one: "Un account può avere al massimo {count} passkey. Ne rimuova prima una in «Account» nel popup di Cargo VPN.",
      many: "Un account può avere al massimo {count} di passkey. Ne rimuova prima una in «Account» nel popup di Cargo VPN.",
      other: "Un account può avere al massimo {count} passkey. Ne rimuova prima una in «Account» nel popup di Cargo VPN.",
    },
  },
};
