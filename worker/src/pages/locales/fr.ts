/** Les pages du compte en français (vouvoiement, comme les e-mails et l’extension ; espaces insécables avant « ; : ? »). */
import type { PageCatalogue } from "../page-catalogue";

export const fr: PageCatalogue = {
  needsScript: "Cette page a besoin de JavaScript pour confirmer\u00a0: elle n’exécute que le script de ce site.",
  verifyEmail: {
    title: "Confirmez votre adresse e-mail",
    intro: "Confirmez que cette adresse e-mail appartient à votre compte Cargo VPN.",
    submit: "Confirmer mon adresse e-mail",
  },
  resetPassword: {
    title: "Choisissez un nouveau mot de passe",
    intro:
      "Votre mot de passe est transformé en clés sur cet appareil\u00a0; il ne nous est jamais envoyé. Tous les appareils seront déconnectés.",
    username: "Votre nom d’utilisateur",
    usernameHint:
      "Le nom avec lequel vous vous connectez. Seuls vos appareils peuvent le lire\u00a0: nous vous le demandons pour le verrouiller de nouveau avec le nouveau mot de passe.",
    newPassword: "Nouveau mot de passe",
    passwordHint: {
      one: "Au moins {count}\u00a0caractère. Le mieux est une longue phrase.",
      many: "Au moins {count}\u00a0de caractères. Le mieux est une longue phrase.",
      other: "Au moins {count}\u00a0caractères. Le mieux est une longue phrase.",
    },
    repeatPassword: "Confirmer le nouveau mot de passe",
    submit: "Enregistrer le nouveau mot de passe",
  },
  undoEmailChange: {
    title: "Annuler le changement d’adresse e-mail",
    intro:
      "Cette action annule le changement d’adresse e-mail de votre compte Cargo VPN, ou rétablit cette adresse si le changement a déjà eu lieu, et déconnecte tous les appareils. Choisissez ensuite un nouveau mot de passe\u00a0: «\u00a0Mot de passe oublié\u00a0?\u00a0» sur l’écran de connexion de la fenêtre Cargo VPN vous envoie un lien à cette adresse.",
    submit: "Annuler le changement et déconnecter tous les appareils",
  },
  deleteAccount: {
    title: "Supprimer votre compte",
    intro:
      "Cette action supprime votre compte Cargo VPN et tout ce qui est enregistré à son sujet\u00a0: appareils, historique d’utilisation, réglages. Elle est irréversible.",
    understood: "Je comprends que mon compte et ses données seront supprimés définitivement.",
    submit: "Supprimer mon compte",
  },
  passkeys: {
    title: "Ajouter une clé d’accès",
    intro:
      "Une clé d’accès sur cet appareil (ou une clé de sécurité) pourra ensuite terminer votre connexion à Cargo VPN après votre mot de passe.",
    label: "Nom de cette clé d’accès (facultatif)",
    submit: "Créer une clé d’accès",
  },
  passkeySignIn: {
    title: "Connectez-vous avec votre clé d’accès",
    intro: "Votre mot de passe était correct. Utilisez votre clé d’accès pour terminer\u00a0; l’extension achève la connexion.",
    submit: "Utiliser ma clé d’accès",
  },
  script: {
    needsLink:
      "Cette page a besoin du lien complet de l’e-mail. Ouvrez de nouveau le lien, ou copiez-le en entier dans la barre d’adresse.",
    needsExtension: "Ouvrez cette page depuis l’extension\u00a0: le lien qu’elle ouvre contient ce dont cette étape a besoin.",
    confirming: "Confirmation…",
    emailConfirmed: "Votre adresse e-mail est confirmée. Vous pouvez fermer cette page.",
    usernameInvalid: "Saisissez le nom d’utilisateur avec lequel vous vous connectez.",
    passwordTooShort: {
      one: "Choisissez un mot de passe d’au moins {count}\u00a0caractère.",
      many: "Choisissez un mot de passe d’au moins {count}\u00a0de caractères.",
      other: "Choisissez un mot de passe d’au moins {count}\u00a0caractères.",
    },
    passwordsDiffer: "Les deux mots de passe diffèrent. Saisissez deux fois le même mot de passe.",
    deriving: "Calcul de vos clés sur cet appareil (quelques secondes)…",
    passwordChanged:
      "Votre mot de passe est modifié et tous les appareils ont été déconnectés. Reconnectez-vous avec le nouveau mot de passe.",
    tickTheBox: "Cochez la case pour confirmer que vous comprenez que cette action est irréversible.",
    deleting: "Suppression…",
    deleted: "Votre compte et toutes ses données sont supprimés. Un dernier message vous le confirme.",
    undoing: "Annulation du changement…",
    undone:
      "Le changement d’adresse e-mail est annulé et tous les appareils sont déconnectés. Choisissez maintenant un nouveau mot de passe\u00a0: «\u00a0Mot de passe oublié\u00a0?\u00a0» sur l’écran de connexion de la fenêtre Cargo VPN vous envoie un lien à cette adresse.",
    passkeyCreating: "Suivez les instructions de votre navigateur pour créer une clé d’accès…",
    passkeyRegistered:
      "Votre clé d’accès est enregistrée. Elle vous sera demandée à la connexion, après votre mot de passe. Vous pouvez fermer cette page.",
    passkeyUsing: "Suivez les instructions de votre navigateur pour utiliser votre clé d’accès…",
    passkeySignedIn: "C’est fait\u00a0: l’extension termine votre connexion. Vous pouvez fermer cette page.",
    passkeyCancelled: "Le navigateur n’a créé ni utilisé aucune clé d’accès (opération annulée ou indisponible). Réessayez.",
    invalidToken: "Ce lien n’est plus valable\u00a0: il a déjà servi, il a expiré ou il a été copié en partie. Demandez-en un nouveau.",
    usernameMismatch: "Ce n’est pas le nom d’utilisateur de ce compte. Saisissez le nom avec lequel vous vous connectez.",
    rateLimited: "Trop de tentatives. Patientez un peu, puis réessayez.",
    rateLimitedWait: "Trop de tentatives. Réessayez {wait}.",
    busyWait: "Le service Cargo VPN est surchargé. Réessayez {wait}.",
    tryAgainNow: "Vous pouvez réessayer maintenant.",
    network: "Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.",
    validation: "Certaines informations ne sont pas valides. Vérifiez-les et réessayez.",
    unknown: "Un problème est survenu. Réessayez plus tard.",
    invalidTicket: "Ce lien de clé d’accès a expiré ou a déjà servi. Ouvrez-le de nouveau depuis l’extension.",
    invalidChallenge: "Cette étape a expiré ou a déjà servi. Recommencez depuis l’extension.",
    invalidPasskey: "La clé d’accès n’a pas été acceptée. Réessayez, ou utilisez une autre clé d’accès.",
    passkeyLimit: {
      one: "Un compte peut avoir au plus {count}\u00a0clé d’accès. Retirez-en d’abord une dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN.",
      many: "Un compte peut avoir au plus {count}\u00a0de clés d’accès. Retirez-en d’abord une dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN.",
      other:
        "Un compte peut avoir au plus {count}\u00a0clés d’accès. Retirez-en d’abord une dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN.",
    },
  },
};
