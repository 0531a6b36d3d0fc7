/** Le email in italiano (forma di cortesia con «Lei», come nelle comunicazioni dei servizi; le etichette citate restano quelle del popup). */
import type { MailCatalogue } from "../catalogue";

export const it: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { one: "{count} dispositivo", many: "{count} di dispositivi", other: "{count} dispositivi" },
  verify: {
    subject: "Confermi il Suo indirizzo email per Cargo VPN",
    paragraphs: [
      "Apra questo link per confermare che questo indirizzo appartiene al Suo account Cargo VPN:",
      "{link}",
      "Il link funziona una sola volta e scade tra 24 ore. Se non ha fatto Lei questa richiesta, ignori questo messaggio.",
    ],
  },
  reset: {
    subject: "Scelga una nuova password per Cargo VPN",
    paragraphs: [
      "Qualcuno (speriamo Lei) ha chiesto di reimpostare la password dell’account Cargo VPN associato a questo indirizzo. Apra questo link per sceglierne una nuova:",
      "{link}",
      "Il link funziona una sola volta e scade tra 1 ora. Tutti i dispositivi verranno disconnessi. Se non ha fatto Lei questa richiesta, ignori questo messaggio: non cambierà nulla.",
    ],
  },
  deletion: {
    subject: "Confermi l’eliminazione del Suo account Cargo VPN",
    paragraphs: [
      "Qualcuno (speriamo Lei) ha chiesto di eliminare l’account Cargo VPN associato a questo indirizzo e tutti i dati che lo riguardano. Apra questo link per confermare:",
      "{link}",
      "Nulla viene eliminato finché non conferma su quella pagina. Il link funziona una sola volta e scade tra 1 ora. Se non ha fatto Lei questa richiesta, ignori questo messaggio.",
    ],
  },
  newDevice: {
    subject: "Nuovo accesso al Suo account Cargo VPN",
    paragraphs: [
      "Un dispositivo ha effettuato l’accesso al Suo account Cargo VPN:\n\nDispositivo: {device} ({kind})\nData e ora: {time}",
      "Il nome del dispositivo è quello che il dispositivo si è dato da solo. Cargo VPN non vi inserisce mai link o istruzioni.",
      "Se è stato Lei, non deve fare nulla. In caso contrario, cambi la password e rimuova il dispositivo in «Dispositivi» nel popup di Cargo VPN (il pulsante nella barra degli strumenti).",
      "Può disattivare questi messaggi in «Account» nel popup di Cargo VPN: «Avvisami via email quando accede un nuovo dispositivo».",
    ],
  },
  passwordChanged: {
    subject: "La password del Suo account Cargo VPN è stata modificata",
    paragraphs: [
      "La password del Suo account Cargo VPN è stata modificata in data {time} e gli altri dispositivi sono stati disconnessi.",
      "Se non è stato Lei, reimposti subito la password: «Password dimenticata?» nella schermata di accesso del popup di Cargo VPN invia un link a questo indirizzo.",
    ],
  },
  emailChanged: {
    subject: "L’indirizzo email del Suo account Cargo VPN è stato modificato",
    paragraphs: [
      "L’indirizzo email del Suo account Cargo VPN è stato modificato in data {time}: il nuovo indirizzo ha confermato la modifica. D’ora in poi i messaggi arriveranno lì.",
      "Se non è stato Lei, apra il link del nostro messaggio precedente su questa modifica: entro 3 giorni dalla richiesta, annulla la modifica e disconnette tutti i dispositivi.",
    ],
  },
  emailChangeRequested: {
    subject: "L’indirizzo email del Suo account Cargo VPN sta per cambiare",
    paragraphs: [
      "In data {time}, una persona che aveva effettuato l’accesso al Suo account Cargo VPN ha chiesto di associarlo a un nuovo indirizzo email. Non cambia nulla finché il nuovo indirizzo non lo conferma; fino ad allora i messaggi continuano ad arrivare qui.",
      "Se non è stato Lei, apra questo link. Annulla la modifica (o la revoca, se il nuovo indirizzo l’ha già confermata) e disconnette tutti i dispositivi:",
      "{link}",
      "Il link funziona una sola volta ed è valido per 3 giorni. Poi cambi la password («Password dimenticata?» nella schermata di accesso invia un link a questo indirizzo).",
    ],
  },
  emailChangeUndone: {
    subject: "La modifica dell’indirizzo email del Suo account Cargo VPN è stata annullata",
    paragraphs: [
      "In data {time}, la modifica dell’indirizzo email del Suo account Cargo VPN è stata annullata con il link che avevamo inviato qui, e tutti i dispositivi sono stati disconnessi. I messaggi arrivano di nuovo a questo indirizzo.",
      "Scelga ora una nuova password: «Password dimenticata?» nella schermata di accesso invia un link a questo indirizzo.",
    ],
  },
  accountDeleted: {
    subject: "Il Suo account Cargo VPN è stato eliminato",
    paragraphs: [
      "Il Suo account Cargo VPN e tutti i dati memorizzati che lo riguardano sono stati eliminati in data {time}. La chiave di cifratura dell’account è stata distrutta, quindi nessuna copia può più essere letta.",
      "Questo è l’ultimo messaggio che riceverà da noi. Grazie per aver usato Cargo VPN.",
    ],
  },
  planChanged: {
    subject: "Il Suo piano Cargo VPN ora è {plan}",
    paragraphs: [
      "Il Suo account Cargo VPN ora ha il piano {plan}: fino a {devices} contemporaneamente.",
      "{stay} Se non si aspettava questa modifica, controlli il Suo abbonamento in «Account» nel popup di Cargo VPN.",
    ],
  },
  planStay: "I dispositivi che hanno già effettuato l’accesso restano connessi.",
  planStayUntil:
    "I dispositivi che hanno già effettuato l’accesso restano connessi fino a {until}. Dopo, restano connessi solo quelli usati più di recente, fino a {devices}, e gli altri vengono disconnessi. Per scegliere Lei quali restano, rimuova prima di allora dei dispositivi in «Dispositivi» nel popup di Cargo VPN.",
  twoFactorEnabled: {
    subject: "L’accesso in due passaggi è attivo sul Suo account Cargo VPN",
    paragraphs: [
      "L’accesso in due passaggi è stato attivato sul Suo account Cargo VPN in data {time}. D’ora in poi, per accedere servono la password e un codice dell’app di autenticazione (o uno dei Suoi codici di recupero).",
      "Conservi i codici di recupero in un luogo sicuro: se perde l’app, ciascuno permette di accedere una volta.",
      "Se non è stato Lei, reimposti subito la password: «Password dimenticata?» nella schermata di accesso del popup di Cargo VPN invia un link a questo indirizzo.",
    ],
  },
  twoFactorDisabled: {
    subject: "L’accesso in due passaggi è disattivato sul Suo account Cargo VPN",
    paragraphs: [
      "L’accesso in due passaggi è stato disattivato sul Suo account Cargo VPN in data {time}. Ora per accedere basta la password, e i Suoi codici di recupero non funzionano più.",
      "Se non è stato Lei, reimposti subito la password («Password dimenticata?» nella schermata di accesso del popup di Cargo VPN) e riattivi l’accesso in due passaggi.",
    ],
  },
  recoveryCodeUsed: {
    subject: "È stato usato un codice di recupero per accedere al Suo account Cargo VPN",
    paragraphs: [
      "Per accedere al Suo account Cargo VPN è stato usato un codice di recupero al posto di un codice dell’app di autenticazione:\n\nDispositivo: {device} ({kind})\nData e ora: {time}\nCodici di recupero rimasti: {codesLeft}",
      "Quel codice non funzionerà più. Se non è stato Lei, cambi la password e sostituisca i codici di recupero in «Account» nel popup di Cargo VPN.",
    ],
  },
  passkeyAdded: {
    subject: "È stata aggiunta una passkey al Suo account Cargo VPN",
    paragraphs: [
      "In data {time} è stata registrata una passkey per il Suo account Cargo VPN. D’ora in poi la passkey può completare un accesso al posto di un codice.",
      "Se non è stato Lei, la rimuova in «Account» nel popup di Cargo VPN e cambi subito la password.",
    ],
  },
  passkeyRemoved: {
    subject: "È stata rimossa una passkey dal Suo account Cargo VPN",
    paragraphs: [
      "In data {time} è stata rimossa una passkey dal Suo account Cargo VPN; non permette più di accedere.",
      "Se non è stato Lei, cambi subito la password.",
    ],
  },
};
